/** The SQLSTATE of a database error, looking through drizzle's wrapping. */
export function pgErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function constraintName(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const c = current as { constraint_name?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof c.constraint_name === "string") return c.constraint_name;
    if (typeof c.constraint === "string") return c.constraint;
    current = c.cause;
  }
  return undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return pgErrorCode(err) === "23505" && (constraint === undefined || constraintName(err) === constraint);
}

const RETRYABLE = new Set(["40001", "40P01"]); // serialization_failure, deadlock_detected

/**
 * Runs `work` (one transaction) again when PostgreSQL aborts it for a serialization failure
 * or a deadlock: both mean "try again", never a failure to report to the caller.
 */
export async function withTransactionRetry<T>(work: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const code = pgErrorCode(err);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}
