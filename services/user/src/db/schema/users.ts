import { text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { userSchema, roleEnum } from "./user-schema.js";

export const users = userSchema.table(
  "users",
  {
    userId: uuid("user_id").primaryKey(),
    // Stored lower-cased; null when the user registered by phone only.
    email: text("email"),
    phone: text("phone"),
    role: roleEnum("role").notNull(),
    createTime: timestamp("create_time", { withTimezone: true }).notNull().defaultNow(),
  },
  // The repo turns a violation of these names into an email-taken or phone-taken outcome.
  (t) => [uniqueIndex("users_email_key").on(t.email), uniqueIndex("users_phone_key").on(t.phone)],
);

export type UserRow = typeof users.$inferSelect;
