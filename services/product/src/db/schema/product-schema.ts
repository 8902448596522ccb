import { pgSchema } from "drizzle-orm/pg-core";

/** The product service's own PostgreSQL schema: no other service reads it. */
export const productSchema = pgSchema("product");
