import { pgSchema } from "drizzle-orm/pg-core";

/** The shop service's own PostgreSQL schema: no other service reads it. */
export const shopSchema = pgSchema("shop");
