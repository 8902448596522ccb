import { eq, or } from "drizzle-orm";
import type { Database } from "@wms/db";
import { users, type UserRow } from "./schema/users.js";
import { credentials } from "./schema/credentials.js";

export interface UserRepo {
  /** Inserts the user and its credential in one transaction. */
  insert(row: UserRow, passwordHash: string): Promise<UserRow>;
  delete(userId: string): Promise<void>;
  findById(userId: string): Promise<UserRow | undefined>;
  /** The user whose email or phone is `login`, with its password hash. */
  findByLogin(login: string): Promise<{ user: UserRow; passwordHash: string } | undefined>;
  count(): Promise<number>;
}

export function createUserRepo(db: Database): UserRepo {
  return {
    async insert(row, passwordHash) {
      return db.transaction(async (tx) => {
        const [inserted] = await tx.insert(users).values(row).returning();
        if (!inserted) throw new Error("insert returned no row");
        await tx.insert(credentials).values({ userId: row.userId, passwordHash });
        return inserted;
      });
    },
    async delete(userId) {
      await db.delete(users).where(eq(users.userId, userId));
    },
    async findById(userId) {
      const [row] = await db.select().from(users).where(eq(users.userId, userId)).limit(1);
      return row;
    },
    async findByLogin(login) {
      const [row] = await db
        .select({ user: users, passwordHash: credentials.passwordHash })
        .from(users)
        .innerJoin(credentials, eq(credentials.userId, users.userId))
        .where(or(eq(users.email, login.toLowerCase()), eq(users.phone, login)))
        .limit(1);
      return row;
    },
    async count() {
      return db.$count(users);
    },
  };
}
