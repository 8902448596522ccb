import { DomainError, errors } from "@wms/errors";
import { fromTimestamp, toTimestamp } from "@wms/grpc";
import { ReservationStatus, type Allocation, type Reservation } from "@wms/proto/warehouse";
import type { Product } from "@wms/proto/product";
import type { PeerCallOptions } from "../domain/order.js";
import type { ProductClient } from "../peers/catalog.js";
import type { WarehouseClient } from "../peers/warehouse.js";

/** An error as a peer's transport gives it: no ErrorInfo, so nobody knows what the peer did. */
export const lostReply = () => new DomainError("DEADLINE_EXCEEDED", "SERVICE_TIMEOUT", "deadline exceeded");

const fromWarehouse = (err: DomainError) =>
  new DomainError(err.kind, err.reason, err.message, err.fieldViolations, err.metadata, "wms.warehouse.v1");

interface StoredReservation {
  status: ReservationStatus;
  allocations: Allocation[];
  expireTime: Date;
}

type Hook = (reservationId: string) => Promise<void> | void;

/**
 * The warehouse's reservation RPCs (all or nothing, idempotent by id, tombstones, the expiry
 * check on commit) over one in-memory pool of units per product, for domain tests: it answers
 * in messages, as the real client does, behind the order service's own warehouse adapter.
 */
export class FakeWarehouse implements WarehouseClient {
  readonly available = new Map<string, number>();
  readonly reservations = new Map<string, StoredReservation>();
  readonly calls: Array<{ method: string; reservationId: string }> = [];
  /** Runs before a method does its work; throw from it to fail the call as the warehouse would. */
  readonly before: Partial<Record<"reserve" | "commit" | "release", Hook>> = {};
  /** Runs after a method did its work; throw from it to lose the reply. */
  readonly after: Partial<Record<"reserve" | "commit" | "release", Hook>> = {};

  constructor(private readonly now: () => Date) {}

  stock(productId: string, units: number): this {
    this.available.set(productId, units);
    return this;
  }

  async reserveStock(request: { reservationId: string; lines: Array<{ productId: string; quantity: number }>; expireTime?: { seconds: number; nanos: number } }, _options?: PeerCallOptions) {
    this.calls.push({ method: "reserve", reservationId: request.reservationId });
    await this.before.reserve?.(request.reservationId);
    let stored = this.reservations.get(request.reservationId);
    if (!stored) {
      for (const line of request.lines) {
        if ((this.available.get(line.productId) ?? 0) < line.quantity) {
          throw fromWarehouse(errors.failedPrecondition("INSUFFICIENT_STOCK", "not enough stock"));
        }
      }
      for (const line of request.lines) this.available.set(line.productId, (this.available.get(line.productId) ?? 0) - line.quantity);
      stored = {
        status: ReservationStatus.RESERVATION_STATUS_HELD,
        allocations: request.lines.map((l) => ({ productId: l.productId, warehouseId: "00000000-0000-7000-8000-00000000aaaa", quantity: l.quantity })),
        expireTime: request.expireTime ? fromTimestamp(request.expireTime) : new Date(this.now().getTime() + 60_000),
      };
      this.reservations.set(request.reservationId, stored);
    }
    await this.after.reserve?.(request.reservationId);
    return { reservation: this.message(request.reservationId, stored) };
  }

  async commitReservation(request: { reservationId: string }, _options?: PeerCallOptions) {
    this.calls.push({ method: "commit", reservationId: request.reservationId });
    await this.before.commit?.(request.reservationId);
    const stored = this.reservations.get(request.reservationId);
    if (!stored) throw fromWarehouse(errors.notFound("reservation", request.reservationId));
    if (stored.status === ReservationStatus.RESERVATION_STATUS_RELEASED) {
      throw fromWarehouse(errors.failedPrecondition("RESERVATION_RELEASED", "released"));
    }
    if (stored.status === ReservationStatus.RESERVATION_STATUS_HELD) {
      if (this.now().getTime() >= stored.expireTime.getTime()) {
        throw fromWarehouse(errors.failedPrecondition("RESERVATION_EXPIRED", "expired"));
      }
      stored.status = ReservationStatus.RESERVATION_STATUS_COMMITTED;
    }
    await this.after.commit?.(request.reservationId);
    return { reservation: this.message(request.reservationId, stored) };
  }

  async releaseReservation(request: { reservationId: string }, _options?: PeerCallOptions) {
    this.calls.push({ method: "release", reservationId: request.reservationId });
    await this.before.release?.(request.reservationId);
    let stored = this.reservations.get(request.reservationId);
    if (!stored) {
      stored = { status: ReservationStatus.RESERVATION_STATUS_RELEASED, allocations: [], expireTime: this.now() };
      this.reservations.set(request.reservationId, stored);
    } else if (stored.status === ReservationStatus.RESERVATION_STATUS_COMMITTED) {
      throw fromWarehouse(errors.failedPrecondition("RESERVATION_COMMITTED", "committed"));
    } else if (stored.status === ReservationStatus.RESERVATION_STATUS_HELD) {
      for (const a of stored.allocations) this.available.set(a.productId, (this.available.get(a.productId) ?? 0) + a.quantity);
      stored.status = ReservationStatus.RESERVATION_STATUS_RELEASED;
    }
    await this.after.release?.(request.reservationId);
    return { reservation: this.message(request.reservationId, stored) };
  }

  statusOf(reservationId: string): ReservationStatus | undefined {
    return this.reservations.get(reservationId)?.status;
  }

  count(method: string, reservationId?: string): number {
    return this.calls.filter((c) => c.method === method && (reservationId === undefined || c.reservationId === reservationId)).length;
  }

  private message(reservationId: string, stored: StoredReservation): Reservation {
    return {
      reservationId,
      status: stored.status,
      allocations: stored.allocations,
      expireTime: toTimestamp(stored.expireTime),
    };
  }
}

/** Products by id with their prices; unknown ids are left out, as the product service does. */
export class FakeCatalog implements ProductClient {
  readonly products = new Map<string, Product>();
  calls = 0;

  add(productId: string, priceCents: number): this {
    this.products.set(productId, {
      productId,
      shopId: "00000000-0000-7000-8000-00000000bbbb",
      name: `p-${productId.slice(-4)}`,
      description: "",
      priceCents,
      availableQuantity: 0,
      createTime: undefined,
    });
    return this;
  }

  async batchGetProducts(request: { productIds: string[] }, _options?: PeerCallOptions) {
    this.calls += 1;
    return { products: request.productIds.flatMap((id) => this.products.get(id) ?? []) };
  }
}
