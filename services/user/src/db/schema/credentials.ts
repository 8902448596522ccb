import { text, timestamp, uuid } from "drizzle-orm/pg-core";
import { userSchema } from "./user-schema.js";
import { users } from "./users.js";

/** Password hashes live apart from profiles, so no profile query can ever select one. */
export const credentials = userSchema.table("credentials", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.userId, { onDelete: "cascade" }),
  passwordHash: text("password_hash").notNull(),
  updateTime: timestamp("update_time", { withTimezone: true }).notNull().defaultNow(),
});
