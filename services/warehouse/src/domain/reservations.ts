import { errors, Validator } from "@wms/errors";
import { newId, withTransactionRetry } from "@wms/db";
import { createBatcher, noLocks, type Batchable, type LockManager } from "@wms/locks";
import type { WarehouseRepo } from "../db/repo.js";
import type { Reservation, SettleOutcome } from "./reservation-model.js";
import { byLevel, planAllocations, type ReservationLineInput } from "./allocation.js";
import { insufficientStock, isId, QUANTITY_MAX, skuLockKey } from "./common.js";
import { settleHeldUnits } from "./held-units.js";
import { settleBatchInTransaction, type QueuedSettlement } from "./settle-batch.js";
import { BatchRaced, reserveQueued, type QueuedReservation } from "./reserve-batch.js";

export const RESERVATION_ID_MAX = 128;
export const RESERVATION_LINES_MAX = 500;
/** Re-plans after a conditional update found its units gone (only when a SKU lock was lost). */
const PLAN_ATTEMPTS = 3;
/** At most this many queued reservations go into one transaction. */
export const RESERVATION_BATCH_MAX = 64;

export interface ReserveInput {
  reservationId: string;
  lines: ReservationLineInput[];
  expireTime: Date | undefined;
  /** Give up waiting for the SKU locks at this time (the call's deadline). */
  deadline?: Date;
}

export interface ReservationsDomain {
  /**
   * Holds stock for every line or none, in active warehouses only. Idempotent by reservation id:
   * a replay returns the stored reservation, whatever its status now (a tombstone left by an
   * early release answers RELEASED, holding nothing).
   */
  reserveStock(input: ReserveInput): Promise<Reservation>;
  /** HELD and unexpired → COMMITTED; a COMMITTED replay returns it; else RESERVATION_EXPIRED / _RELEASED. */
  commitReservation(reservationId: string): Promise<Reservation>;
  /** HELD → RELEASED; RELEASED returns it; COMMITTED fails; an unknown id leaves a RELEASED tombstone. */
  releaseReservation(reservationId: string): Promise<Reservation>;
}

export interface ReservationsDeps {
  repo: WarehouseRepo;
  locks: LockManager;
  now: () => Date;
  /** Test hook: runs after allocation is planned, before any level changes (a paused lock holder). */
  afterAllocate?: () => Promise<void>;
  /** Test hook: a request passed validation and joins the batch queue. */
  onQueued?: () => void;
  /** Most reservations served in one transaction (default RESERVATION_BATCH_MAX). */
  maxBatch?: number;
}

/** Thrown inside the transaction to roll it back when planned units were taken meanwhile. */
class AllocationRaced extends Error {
  constructor(readonly productId: string) {
    super(`units of ${productId} were taken after planning`);
  }
}

export function createReservationsDomain(deps: ReservationsDeps): ReservationsDomain {
  const { repo } = deps;

  async function reserveInTransaction(tx: WarehouseRepo, input: { reservationId: string; expireTime: Date }, lines: ReservationLineInput[]) {
    const at = deps.now();
    const record = await tx.insertReservation({ reservationId: input.reservationId, status: "HELD", expireTime: input.expireTime, createTime: at, updateTime: at });
    if (!record) return tx.findReservation(input.reservationId); // a replay that committed meanwhile
    const levels = await tx.activeAvailableLevels(lines.map((l) => l.productId));
    const plan = planAllocations(lines, levels).sort(byLevel);
    await deps.afterAllocate?.();
    // The conditional update is the guarantee: zero rows means the units are gone, whatever
    // the lock said, and the whole reservation rolls back.
    // One statement holds every level, writes the allocations and the ledger rows.
    const held = await tx.reserveLevels(
      input.reservationId,
      plan.map((a) => ({ ...a, movementId: newId() })),
      at,
    );
    if (held.length < plan.length) {
      const missed = plan.find((a) => !held.some((h) => h.warehouseId === a.warehouseId && h.productId === a.productId));
      throw new AllocationRaced(missed?.productId ?? plan[0]?.productId ?? "");
    }
    const allocations = plan.map((a) => ({ reservationId: input.reservationId, ...a }));
    return { ...record, allocations };
  }

  async function reserveUnderLocks(input: { reservationId: string; expireTime: Date }, lines: ReservationLineInput[]): Promise<Reservation> {
    for (let attempt = 1; ; attempt++) {
      try {
        const view = await withTransactionRetry(() => repo.transaction((tx) => reserveInTransaction(tx, input, lines)));
        if (!view) throw new Error(`reservation ${input.reservationId} vanished`);
        return view;
      } catch (err) {
        if (!(err instanceof AllocationRaced)) throw err;
        if (attempt >= PLAN_ATTEMPTS) {
          const requested = lines.filter((l) => l.productId === err.productId).reduce((sum, l) => sum + l.quantity, 0);
          const available = (await repo.availability([err.productId])).get(err.productId) ?? 0;
          throw insufficientStock(err.productId, requested, available);
        }
      }
    }
  }

  /**
   * HELD → COMMITTED or RELEASED, and its held units with it. Only from HELD (the conditional
   * update arbitrates a commit, a release and the sweeper racing); a COMMIT also only while
   * unexpired. When the update finds the reservation elsewhere, the stored state answers by the
   * outcome's rules: a replay returns it, a conflicting state fails, and a release of an id never
   * reserved leaves a tombstone.
   */
  async function settleReservation(reservationId: string, outcome: SettleOutcome): Promise<Reservation> {
    requireReservationId(reservationId);
    const to = outcome === "COMMIT" ? "COMMITTED" : "RELEASED";
    return withTransactionRetry(() =>
      repo.transaction(async (tx) => {
        for (let attempt = 1; attempt <= 3; attempt++) {
          const at = deps.now();
          const [record] = await tx.leaveHeld([reservationId], to, at, outcome === "COMMIT" ? at : undefined);
          if (record) {
            const allocations = await tx.allocationsOf([reservationId]);
            await settleHeldUnits(tx, allocations, outcome, at);
            return { ...record, allocations };
          }
          const stored = await tx.findReservation(reservationId);
          const answer = outcome === "COMMIT" ? commitAnswer(reservationId, stored, at) : await releaseAnswer(tx, reservationId, stored, at);
          if (answer) return answer;
          // HELD (and, for a commit, unexpired): a reserve with this id committed after our update looked; look again.
        }
        const verb = outcome === "COMMIT" ? "committing" : "releasing";
        throw errors.aborted("CONCURRENT_UPDATE", `reservation ${reservationId} changed while ${verb}; try again`, { reservationId });
      }),
    );
  }

  /**
   * A batch under its SKU locks in one read and one all-or-nothing write; when that write found
   * units taken or an id used by someone not holding the lock, each reservation of the batch
   * again on its own.
   */
  async function reserveBatch(batch: QueuedReservation[]): Promise<Array<PromiseSettledResult<Reservation>>> {
    try {
      return await withTransactionRetry(() => reserveQueued(repo, batch, deps.now(), deps.afterAllocate));
    } catch (err) {
      if (!(err instanceof BatchRaced)) throw err;
      const outcomes: Array<PromiseSettledResult<Reservation>> = [];
      for (const q of batch) {
        outcomes.push(
          await reserveUnderLocks(q, q.lines).then(
            (value) => ({ status: "fulfilled", value }) as const,
            (reason: unknown) => ({ status: "rejected", reason }) as const,
          ),
        );
      }
      return outcomes;
    }
  }

  /**
   * Settlements queued in this process go into one transaction per batch: payments and
   * cancellations in a rush settle together. No lock: the HELD → COMMITTED/RELEASED update
   * arbitrates, and a settlement that did not find its reservation HELD is answered alone.
   */
  async function settleBatch(batch: QueuedSettlement[]): Promise<Array<PromiseSettledResult<Reservation>>> {
    const settled = await withTransactionRetry(() => repo.transaction((tx) => settleBatchInTransaction(tx, batch, deps.now())));
    return Promise.all(
      batch.map(async (q): Promise<PromiseSettledResult<Reservation>> => {
        const done = settled.get(q.reservationId);
        if (done) return { status: "fulfilled", value: done };
        return settleReservation(q.reservationId, q.outcome).then(
          (value) => ({ status: "fulfilled", value }),
          (reason: unknown) => ({ status: "rejected", reason }),
        );
      }),
    );
  }

  const settler = createBatcher<QueuedSettlement & Batchable, Reservation>({
    locks: noLocks,
    maxBatch: deps.maxBatch ?? RESERVATION_BATCH_MAX,
    defaultWaitMs: Infinity,
    run: settleBatch,
  });
  const settle = async (reservationId: string, outcome: SettleOutcome): Promise<Reservation> => {
    requireReservationId(reservationId);
    return settler.submit({ id: reservationId, keys: [], reservationId, outcome });
  };

  const batcher = createBatcher<QueuedReservation & Batchable, Reservation>({
    locks: deps.locks,
    maxBatch: deps.maxBatch ?? RESERVATION_BATCH_MAX,
    run: reserveBatch,
  });

  return {
    async reserveStock(input) {
      const { lines, expireTime } = validateReservation(input, deps.now());
      // Queued with the other requests of this process: whoever takes the locks serves the
      // queue in FIFO batches. No availability check first: a batch reads the levels anyway, and
      // refusing the short requests of a sell-out rush costs it no write (nor lock per buyer).
      deps.onQueued?.();
      return batcher.submit({
        id: input.reservationId,
        keys: lines.map((l) => skuLockKey(l.productId)),
        deadline: input.deadline,
        reservationId: input.reservationId,
        lines,
        expireTime,
      });
    },

    commitReservation: (reservationId) => settle(reservationId, "COMMIT"),
    releaseReservation: (reservationId) => settle(reservationId, "RELEASE"),
  };
}

function requireReservationId(reservationId: string): void {
  new Validator()
    .required(reservationId, "reservation_id")
    .text(reservationId, RESERVATION_ID_MAX, "reservation_id")
    .throwIfInvalid();
}

/** Every field checked at once; duplicate products merged; lines returned sorted by product id. */
function validateReservation(input: ReserveInput, now: Date): { lines: ReservationLineInput[]; expireTime: Date } {
  const v = new Validator()
    .required(input.reservationId, "reservation_id")
    .text(input.reservationId, RESERVATION_ID_MAX, "reservation_id")
    .check(input.lines.length > 0, "lines", "REQUIRED", "must not be empty")
    .check(input.lines.length <= RESERVATION_LINES_MAX, "lines", "TOO_MANY", `at most ${RESERVATION_LINES_MAX} lines`)
    .check(input.expireTime !== undefined, "expire_time", "REQUIRED", "must be set")
    .check(input.expireTime === undefined || input.expireTime > now, "expire_time", "OUT_OF_RANGE", "must be in the future");
  const merged = new Map<string, number>();
  input.lines.forEach((line, i) => {
    v.check(isId(line.productId), `lines[${i}].product_id`, "INVALID_FORMAT", "must be a product id");
    v.positiveInt(line.quantity, `lines[${i}].quantity`, QUANTITY_MAX);
    const productId = line.productId.toLowerCase();
    merged.set(productId, (merged.get(productId) ?? 0) + line.quantity);
  });
  for (const [productId, quantity] of merged) {
    v.check(quantity <= QUANTITY_MAX, "lines", "OUT_OF_RANGE", `the lines of product ${productId} add up to more than ${QUANTITY_MAX}`);
  }
  v.throwIfInvalid();
  if (!input.expireTime) throw new Error("validated above");
  const lines = [...merged].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => (a.productId < b.productId ? -1 : 1));
  return { lines, expireTime: input.expireTime };
}

/** What a commit that found the reservation not HELD-and-unexpired answers; undefined: look again. */
function commitAnswer(reservationId: string, stored: Reservation | undefined, at: Date): Reservation | undefined {
  if (!stored) throw errors.notFound("reservation", reservationId);
  if (stored.status === "COMMITTED") return stored;
  if (stored.status === "RELEASED") throw errors.failedPrecondition("RESERVATION_RELEASED", `reservation ${reservationId} was released`, { reservationId });
  if (stored.expireTime <= at) throw errors.failedPrecondition("RESERVATION_EXPIRED", `reservation ${reservationId} has expired`, { reservationId });
  return undefined;
}

/** What a release that found the reservation not HELD answers; undefined: look again. */
async function releaseAnswer(tx: WarehouseRepo, reservationId: string, stored: Reservation | undefined, at: Date): Promise<Reservation | undefined> {
  if (stored?.status === "COMMITTED") {
    throw errors.failedPrecondition("RESERVATION_COMMITTED", `reservation ${reservationId} was already committed`, { reservationId });
  }
  if (stored?.status === "RELEASED") return stored;
  if (!stored) {
    // Released before it was ever reserved (a checkout that timed out): the tombstone makes the
    // late ReserveStock with this id hold nothing.
    const tombstone = await tx.insertReservation({ reservationId, status: "RELEASED", expireTime: at, createTime: at, updateTime: at });
    if (tombstone) return { ...tombstone, allocations: [] };
  }
  return undefined; // a reserve with this id committed meanwhile: release it on the next pass
}
