import { pgSchema } from "drizzle-orm/pg-core";

/** The user service's own PostgreSQL schema: no other service reads it. */
export const userSchema = pgSchema("user");

export const roleEnum = userSchema.enum("role", ["buyer", "seller"]);
