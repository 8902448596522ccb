import { describe, expect, it } from "vitest";
import { withoutAddresses } from "./client-limits.js";

describe("withoutAddresses", () => {
  it.each([
    ["No connection established. Last error: connect ECONNREFUSED 10.0.0.7:50054", "No connection established. Last error: connect ECONNREFUSED [address]"],
    ["connect ECONNREFUSED [::1]:50051 (2 attempts)", "connect ECONNREFUSED [address] (2 attempts)"],
    ["read ECONNRESET fd00:12::7 after 3 calls", "read ECONNRESET [address] after 3 calls"],
    ["Deadline exceeded after 10.002s", "Deadline exceeded after 10.002s"],
  ])("%s", (text, redacted) => expect(withoutAddresses(text)).toBe(redacted));
});
