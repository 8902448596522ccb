import { eq, or } from "drizzle-orm";
import { isUniqueViolation, type Database } from "@wms/db";
import type { User } from "../domain/index.js";
import { users, type UserRow } from "./schema/users.js";
import { credentials } from "./schema/credentials.js";

/** The user was written, or its email or phone belongs to another user already. */
export type InsertUserOutcome = { kind: "created"; user: User } | { kind: "email-taken" } | { kind: "phone-taken" };

export interface UserRepo {
  /** Inserts the user and its credential in one transaction. */
  insert(user: User, passwordHash: string): Promise<InsertUserOutcome>;
  delete(userId: string): Promise<void>;
  findById(userId: string): Promise<User | undefined>;
  /** The user whose email or phone is `login`, with its password hash. */
  findByLogin(login: string): Promise<{ user: User; passwordHash: string } | undefined>;
  count(): Promise<number>;
}

/** The one place rows become users. */
function toUser(row: UserRow): User {
  return { userId: row.userId, email: row.email, phone: row.phone, role: row.role, createTime: row.createTime };
}

export function createUserRepo(db: Database): UserRepo {
  return {
    async insert(user, passwordHash) {
      try {
        return await db.transaction(async (tx) => {
          const [inserted] = await tx.insert(users).values(user).returning();
          if (!inserted) throw new Error("insert returned no row");
          await tx.insert(credentials).values({ userId: user.userId, passwordHash });
          return { kind: "created" as const, user: toUser(inserted) };
        });
      } catch (err) {
        if (isUniqueViolation(err, "users_email_key")) return { kind: "email-taken" };
        if (isUniqueViolation(err, "users_phone_key")) return { kind: "phone-taken" };
        throw err;
      }
    },
    async delete(userId) {
      await db.delete(users).where(eq(users.userId, userId));
    },
    async findById(userId) {
      const [row] = await db.select().from(users).where(eq(users.userId, userId)).limit(1);
      return row && toUser(row);
    },
    async findByLogin(login) {
      const [row] = await db
        .select({ user: users, passwordHash: credentials.passwordHash })
        .from(users)
        .innerJoin(credentials, eq(credentials.userId, users.userId))
        .where(or(eq(users.email, login.toLowerCase()), eq(users.phone, login)))
        .limit(1);
      return row && { user: toUser(row.user), passwordHash: row.passwordHash };
    },
    async count() {
      return db.$count(users);
    },
  };
}
