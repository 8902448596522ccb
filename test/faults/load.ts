import { status as grpcStatus } from "@grpc/grpc-js";
import { DomainError } from "@wms/errors";
import { AdjustmentReason } from "@wms/proto/warehouse";
import { orderStatusToJSON } from "@wms/proto/order";
import type { Clients, World } from "./world.js";

// A steady, bounded load on the mesh from loopback: checkouts (gRPC and REST through the
// gateway), payments, cancels, transfers, adjustments and receipts. Every answer is counted
// under the phase running, and every write answered OK is remembered, to be looked up in the
// database afterwards.

export const OPS = ["checkout", "checkout (REST)", "pay", "cancel", "transfer", "adjust", "receipt"] as const;
export type Op = (typeof OPS)[number];

export interface Outcome {
  op: Op;
  /** OK, a gRPC code name, or REFUSED (the connection was refused before any answer). */
  code: string;
  reason?: string;
  ms: number;
  /** When the answer came (Date.now()). */
  at: number;
}

/** Every answer of one phase. */
export class PhaseStats {
  readonly outcomes: Outcome[] = [];
  constructor(readonly label: string) {}

  get accepted(): number {
    return this.outcomes.filter((o) => o.code === "OK").length;
  }
  failedByCode(filter: (o: Outcome) => boolean = () => true): Map<string, number> {
    const out = new Map<string, number>();
    for (const o of this.outcomes) if (o.code !== "OK" && filter(o)) out.set(o.code, (out.get(o.code) ?? 0) + 1);
    return out;
  }
  of(op: Op | Op[]): Outcome[] {
    const ops = Array.isArray(op) ? op : [op];
    return this.outcomes.filter((o) => ops.includes(o.op));
  }
}

/** Every write the mesh answered OK. */
export class AcceptedWrites {
  readonly orders = new Set<string>();
  /** Order id → the payment reference of the PayOrder answered OK. */
  readonly paid = new Map<string, string>();
  /** Order id → the status CancelOrder answered with. */
  readonly cancelled = new Map<string, string>();
  readonly transfers = new Set<string>();
  readonly adjustments = new Set<string>();
  /** Idempotency keys of AddStock calls answered OK. */
  readonly receipts = new Set<string>();

  get count(): number {
    return this.orders.size + this.paid.size + this.cancelled.size + this.transfers.size + this.adjustments.size + this.receipts.size;
  }
}

/** Bounds every run of the load, whatever the phases ask: loopback only, and it stops by itself. */
const MAX_OPERATIONS = 60_000;
const MAX_RUN_MS = 60_000;
const grpcCodeNames = new Map(Object.entries(grpcStatus).map(([name, code]) => [code as number, name]));

export class Load {
  readonly accepted = new AcceptedWrites();
  private stats = new PhaseStats("idle");
  private running = false;
  private workers: Promise<void>[] = [];
  private operations = 0;
  private sequence = 0;
  /** Orders checked out recently, to pay or cancel while they are still held. */
  private payable: Array<{ orderId: string; buyer: string; at: number }> = [];

  constructor(
    private readonly clients: Clients,
    private readonly world: World,
    private readonly restUrl: string,
    readonly deadlineMs: number,
    private readonly payableForMs: number,
  ) {}

  /** Starts `workers` loops counting into `stats` until stop() (or the bounds above). */
  start(stats: PhaseStats, workers = 6): void {
    if (this.running) throw new Error("load already running");
    this.stats = stats;
    this.running = true;
    const stopAt = Date.now() + MAX_RUN_MS;
    this.workers = Array.from({ length: workers }, async () => {
      while (this.running && this.operations < MAX_OPERATIONS && Date.now() < stopAt) {
        this.operations += 1;
        await this.one();
        await new Promise((r) => setTimeout(r, 5));
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  /**
   * `count` checkouts, `width` at a time, never paid (reservations for the sweepers to find
   * expired), through `via` if given (one replica's client) instead of the round-robin one.
   */
  async checkoutUnpaid(stats: PhaseStats, count: number, o: { width?: number; via?: Clients["order"]; keyPrefix?: string } = {}): Promise<string[]> {
    this.stats = stats;
    const width = o.width ?? 10;
    const ids: string[] = [];
    for (let i = 0; i < count; i += width) {
      await Promise.all(
        Array.from({ length: Math.min(width, count - i) }, async () => {
          const id = await this.checkout(false, o.via, o.keyPrefix);
          if (id) ids.push(id);
        }),
      );
    }
    return ids;
  }

  private async one(): Promise<void> {
    const r = Math.random();
    if (r < 0.3) await this.checkout(true);
    else if (r < 0.4) await this.checkoutRest();
    else if (r < 0.6) await this.pay();
    else if (r < 0.7) await this.cancel();
    else if (r < 0.8) await this.transfer();
    else if (r < 0.93) await this.adjust();
    else await this.receipt();
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(Math.random() * items.length)]!;
  }
  private lines() {
    const products = [...this.world.productIds].sort(() => Math.random() - 0.5).slice(0, 1 + Math.floor(Math.random() * 2));
    return products.map((productId) => ({ productId, quantity: 1 + Math.floor(Math.random() * 3) }));
  }
  private options(bearerToken: string) {
    return { bearerToken, deadline: new Date(Date.now() + this.deadlineMs) };
  }

  /** Runs `call`, records its outcome; answers its result when OK. */
  private async timed<T>(op: Op, call: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    try {
      const result = await call();
      this.stats.outcomes.push({ op, code: "OK", ms: performance.now() - started, at: Date.now() });
      return result;
    } catch (err) {
      const e = err instanceof DomainError ? { code: err.kind as string, reason: err.reason } : { code: "UNKNOWN", reason: (err as Error).message.slice(0, 80) };
      this.stats.outcomes.push({ op, ...e, ms: performance.now() - started, at: Date.now() });
      return undefined;
    }
  }

  private async checkout(payable: boolean, via = this.clients.order, keyPrefix = "ck"): Promise<string | undefined> {
    const buyer = this.pick(this.world.buyerTokens);
    const key = `${keyPrefix}-${process.pid}-${this.sequence++}`;
    const res = await this.timed("checkout", () => via.checkout({ items: this.lines(), idempotencyKey: key }, this.options(buyer)));
    const orderId = res?.order?.orderId;
    if (!orderId) return undefined;
    this.accepted.orders.add(orderId);
    if (payable) this.payable.push({ orderId, buyer, at: Date.now() });
    return orderId;
  }

  /** A checkout through the gateway, so it is under load too. */
  private async checkoutRest(): Promise<void> {
    const buyer = this.pick(this.world.buyerTokens);
    const body = JSON.stringify({ items: this.lines(), idempotencyKey: `rest-${process.pid}-${this.sequence++}` });
    const started = performance.now();
    let outcome: Outcome;
    try {
      const res = await fetch(`${this.restUrl}/v1/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${buyer}` },
        body,
        signal: AbortSignal.timeout(this.deadlineMs),
      });
      const json = (await res.json().catch(() => ({}))) as { order?: { orderId?: string }; code?: number; details?: Array<{ reason?: string }> };
      if (res.status === 200 && json.order?.orderId) {
        this.accepted.orders.add(json.order.orderId);
        this.payable.push({ orderId: json.order.orderId, buyer, at: Date.now() });
        outcome = { op: "checkout (REST)", code: "OK", ms: performance.now() - started, at: Date.now() };
      } else {
        const code = grpcCodeNames.get(json.code ?? -1) ?? `HTTP_${res.status}`;
        outcome = { op: "checkout (REST)", code, reason: json.details?.find((d) => d.reason)?.reason, ms: performance.now() - started, at: Date.now() };
      }
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const code = (err as Error).name === "TimeoutError" ? "DEADLINE_EXCEEDED" : cause === "ECONNREFUSED" || cause === "ECONNRESET" || cause === "UND_ERR_SOCKET" ? "REFUSED" : "UNKNOWN";
      outcome = { op: "checkout (REST)", code, reason: cause, ms: performance.now() - started, at: Date.now() };
    }
    this.stats.outcomes.push(outcome);
  }

  private takePayable() {
    this.payable = this.payable.filter((p) => Date.now() - p.at < this.payableForMs);
    return this.payable.pop();
  }

  private async pay(): Promise<void> {
    const order = this.takePayable();
    if (!order) return this.checkout(true).then(() => undefined);
    const reference = `pay-${process.pid}-${this.sequence++}`;
    const res = await this.timed("pay", () => this.clients.order.payOrder({ orderId: order.orderId, paymentReference: reference }, this.options(order.buyer)));
    if (res) this.accepted.paid.set(order.orderId, reference);
  }

  private async cancel(): Promise<void> {
    const order = this.takePayable();
    if (!order) return;
    const res = await this.timed("cancel", () => this.clients.order.cancelOrder({ orderId: order.orderId }, this.options(order.buyer)));
    if (res?.order) this.accepted.cancelled.set(order.orderId, orderStatusToJSON(res.order.status));
  }

  private async transfer(): Promise<void> {
    const [a, b] = Math.random() < 0.5 ? this.world.warehouseIds : ([this.world.warehouseIds[1], this.world.warehouseIds[0]] as const);
    const request = { fromWarehouseId: a, toWarehouseId: b, productId: this.pick(this.world.productIds), quantity: 1 + Math.floor(Math.random() * 3), idempotencyKey: `tr-${process.pid}-${this.sequence++}` };
    const res = await this.timed("transfer", () => this.clients.warehouse.transferStock(request, this.options(this.world.sellerToken)));
    if (res?.transfer) this.accepted.transfers.add(res.transfer.transferId);
  }

  private async adjust(): Promise<void> {
    const up = Math.random() < 0.5;
    const request = {
      warehouseId: this.pick(this.world.warehouseIds),
      productId: this.pick(this.world.productIds),
      change: { $case: "delta" as const, value: up ? 2 : -1 },
      reason: up ? AdjustmentReason.ADJUSTMENT_REASON_FOUND : AdjustmentReason.ADJUSTMENT_REASON_DAMAGED,
      note: "fault suite",
      idempotencyKey: `adj-${process.pid}-${this.sequence++}`,
    };
    const res = await this.timed("adjust", () => this.clients.warehouse.adjustStock(request, this.options(this.world.sellerToken)));
    if (res?.movement) this.accepted.adjustments.add(res.movement.movementId);
  }

  private async receipt(): Promise<void> {
    const key = `rc-${process.pid}-${this.sequence++}`;
    const request = { warehouseId: this.pick(this.world.warehouseIds), productId: this.pick(this.world.productIds), quantity: 5, idempotencyKey: key };
    const res = await this.timed("receipt", () => this.clients.warehouse.addStock(request, this.options(this.world.sellerToken)));
    if (res) this.accepted.receipts.add(key);
  }
}
