import { pgSchema } from "drizzle-orm/pg-core";

/** The warehouse service's own PostgreSQL schema: no other service reads it. */
export const warehouseSchema = pgSchema("warehouse");
