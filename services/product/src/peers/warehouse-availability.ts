import { DomainError, type ErrorKind } from "@wms/errors";
import type { AvailabilitySource } from "../domain/index.js";

/** The warehouse service's GetAvailability, as the promise client exposes it. */
export type GetAvailability = (
  request: { productIds: string[] },
  opts: { deadline?: Date },
) => Promise<{ items: { productId: string; availableQuantity: number }[] }>;

// Failures a caller can act on as they are (retry later, or with more time): passed through.
const PASSED_THROUGH = new Set<ErrorKind>(["UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"]);

/**
 * Availability from the warehouse service in one call per request. A failed call fails the
 * read: showing 0 would tell buyers a product is sold out when nobody knows. Answers that only
 * make sense between the two services (UNIMPLEMENTED, INVALID_ARGUMENT, PERMISSION_DENIED of
 * our service credential, INTERNAL) would mislead the end caller, so they become UNAVAILABLE
 * with the upstream code kept in the error's metadata.
 */
export function warehouseAvailability(getAvailability: GetAvailability): AvailabilitySource {
  return {
    async availableQuantities(productIds, { deadline }) {
      let response: Awaited<ReturnType<GetAvailability>>;
      try {
        response = await getAvailability({ productIds }, { deadline });
      } catch (err) {
        if (err instanceof DomainError && PASSED_THROUGH.has(err.kind)) throw err;
        const upstream = err instanceof DomainError ? err.kind : "UNKNOWN";
        throw new DomainError(
          "UNAVAILABLE",
          "AVAILABILITY_UNAVAILABLE",
          `stock availability could not be read (warehouse service answered ${upstream})`,
          [],
          { upstreamCode: upstream },
        );
      }
      return new Map(response.items.map((item) => [item.productId, item.availableQuantity]));
    },
  };
}
