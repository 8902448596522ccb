import { errors, type FieldViolation, type FieldViolationReason } from "./domain-error.js";
import { CONTROL_EXCEPT_LINE_BREAKS } from "./request-violations.js";

/** Collects every field violation of a request, so one reply lists all of them. */
export class Validator {
  private readonly violations: FieldViolation[] = [];

  check(ok: boolean, field: string, reason: FieldViolationReason, description: string): this {
    if (!ok) this.violations.push({ field, reason, description });
    return this;
  }

  required(value: string, field: string): this {
    return this.check(value.trim() !== "", field, "REQUIRED", "must not be empty");
  }

  /**
   * Text: at most `max` characters and no control characters but tab and line breaks. NUL in
   * particular: PostgreSQL cannot store it in text, so it must be refused before any query.
   */
  text(value: string, max: number, field: string): this {
    return this.check(value.length <= max, field, "TOO_LONG", `must be at most ${max} characters`).check(
      !CONTROL_EXCEPT_LINE_BREAKS.test(value),
      field,
      "INVALID_FORMAT",
      "must not contain control characters",
    );
  }

  positiveInt(value: number, field: string, max = Number.MAX_SAFE_INTEGER): this {
    return this.check(Number.isSafeInteger(value) && value > 0 && value <= max, field, "OUT_OF_RANGE", `must be a positive integer up to ${max}`);
  }

  get ok(): boolean {
    return this.violations.length === 0;
  }

  /** Throws INVALID_ARGUMENT with every collected violation, if there is any. */
  throwIfInvalid(): void {
    if (this.violations.length > 0) throw errors.invalidArgument(this.violations);
  }
}
