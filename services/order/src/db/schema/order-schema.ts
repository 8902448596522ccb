import { pgSchema } from "drizzle-orm/pg-core";

/**
 * The order service's own PostgreSQL schema: no other service reads it. `order` is a reserved
 * word, but drizzle quotes every identifier (`"order"."orders"`), so the schema keeps the
 * service's name like every other service's.
 */
export const orderSchema = pgSchema("order");
