import { expect } from "vitest";
import { DomainError } from "@wms/errors";

/**
 * The DomainError `p` rejects with. The test fails if `p` resolves, or rejects with anything
 * else (an INTERNAL leak would show up as a plain Error).
 */
export async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, "expected a rejection with a DomainError").toBeInstanceOf(DomainError);
  return err as DomainError;
}
