import { hashPassword } from "@wms/auth";
import { demoUsers, DEMO_PASSWORD } from "@wms/demo";
import type { UserRepo } from "./db/repo.js";

/** Loads the demo users when the service has none. */
export async function seedDemoUsers(repo: UserRepo): Promise<boolean> {
  if ((await repo.count()) > 0) return false;
  // Demo users are loaded directly: their password is shorter than new accounts may use.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const u of demoUsers) {
    const inserted = await repo.insert({ userId: u.userId, email: u.email, phone: u.phone, role: u.role, createTime: new Date() }, passwordHash);
    if (inserted.kind !== "created") throw new Error(`demo user ${u.userId}: ${inserted.kind}`);
  }
  return true;
}
