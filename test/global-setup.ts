import postgres from "postgres";
import { Redis } from "ioredis";

const pgUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * The suite runs against real PostgreSQL and Redis. If either is down it stops here with what
 * to start, rather than skipping tests.
 */
export default async function checkServices(): Promise<void> {
  const problems: string[] = [];
  const sql = postgres(pgUrl, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`select 1`;
  } catch (err) {
    problems.push(
      `PostgreSQL is not reachable at ${pgUrl}: ${(err as Error).message}\n` +
        "  start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set TEST_DATABASE_URL)",
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    problems.push(
      `Redis is not reachable at ${redisUrl}: ${(err as Error).message}\n` +
        '  start it: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no (or set TEST_REDIS_URL)',
    );
  } finally {
    redis.disconnect();
  }
  if (problems.length > 0) throw new Error(`the test suite needs real services:\n${problems.join("\n")}`);
}
