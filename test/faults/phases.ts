import { createClient } from "@wms/grpc";
import { OrderServiceService } from "@wms/proto/order";
import { serviceNames } from "@wms/proto/services";
import type { MeshProcess } from "../../services/launcher.js";
import { sleep, type FaultEnvironment } from "./environment.js";
import { databaseInvariants, sweptCheck, type Check } from "./invariants.js";
import { PhaseStats, type Load, type Op, type Outcome } from "./load.js";

// The faults, one phase each: inject under load, stop the load, then check what the fault
// must not break (the database invariants after every phase) and what it must do.

export interface PhaseResult {
  fault: string;
  stats: PhaseStats[];
  checks: Check[];
  seconds: number;
}

/** Answers any fault may cause: refusals a client retries, and the domain's own refusals. */
const EXPECTED_FAILURES = new Set(["UNAVAILABLE", "ABORTED", "FAILED_PRECONDITION", "REFUSED"]);
const CHECKOUTS: Op[] = ["checkout", "checkout (REST)"];

export class Phases {
  readonly results: PhaseResult[] = [];
  constructor(
    private readonly env: FaultEnvironment,
    private readonly load: Load,
    private readonly say: (line: string) => void,
  ) {}

  private get settleMs(): number {
    return this.env.settings.reservationTtlMs + this.env.settings.stalePendingAfterMs + 10_000;
  }

  /** Runs one fault; whatever it throws becomes a failed check, and the invariants run regardless. */
  private async phase(fault: string, body: (stats: (label: string) => PhaseStats, checks: Check[]) => Promise<void>): Promise<void> {
    const started = Date.now();
    const all: PhaseStats[] = [];
    const checks: Check[] = [];
    this.say(`fault: ${fault}`);
    try {
      await body((label) => {
        const s = new PhaseStats(label);
        all.push(s);
        return s;
      }, checks);
    } catch (err) {
      checks.push({ name: "fault injected as planned", ok: false, detail: (err as Error).message.split("\n")[0]! });
    } finally {
      await this.load.stop();
    }
    checks.push(answersCheck(all.flatMap((s) => s.outcomes), this.load.deadlineMs));
    const down = this.env.mesh.processes.filter((p) => !p.running).map((p) => p.name);
    checks.push({ name: "every process running again", ok: down.length === 0, detail: down.length ? `down: ${down.join(", ")}` : `${this.env.mesh.processes.length} processes` });
    try {
      checks.push(...(await databaseInvariants(this.env.sql, this.load.accepted, this.settleMs)));
    } catch (err) {
      checks.push({ name: "database invariants readable", ok: false, detail: (err as Error).message });
    }
    const result = { fault, stats: all, checks, seconds: (Date.now() - started) / 1000 };
    this.results.push(result);
    for (const c of checks) this.say(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
  }

  /** Load for `ms` counted under `stats`. */
  private async loadFor(stats: PhaseStats, ms: number): Promise<void> {
    this.load.start(stats);
    await sleep(ms);
    await this.load.stop();
  }

  async baseline(): Promise<void> {
    await this.phase("none (steady load)", async (stats, checks) => {
      const s = stats("steady load");
      await this.loadFor(s, 4_000);
      const idle = ["checkout", "checkout (REST)", "pay", "transfer", "adjust"].filter((op) => !s.of(op as Op).some((o) => o.code === "OK"));
      checks.push({ name: "every kind of write accepted", ok: idle.length === 0, detail: idle.length ? `none accepted: ${idle.join(", ")}` : `${s.accepted} accepted` });
    });
  }

  async sigkill(): Promise<void> {
    await this.phase("SIGKILL warehouse-1 and order-1 mid-load, restart", async (stats, checks) => {
      const s = stats("SIGKILL, restart");
      const victims = [this.env.mesh.replica("warehouse", 0), this.env.mesh.replica("order", 0)];
      this.load.start(s);
      await sleep(2_000);
      // A burst of checkouts on order-1 alone, killed once several are half-way through their
      // saga (PENDING in the database): the sweeper must resolve what the kill left.
      const orderOne = createClient(OrderServiceService, `127.0.0.1:${victims[1]!.port}`);
      const burst = this.load.checkoutUnpaid(s, 40, { width: 40, via: orderOne, keyPrefix: "burst" });
      const until = Date.now() + 5_000;
      let pending = 0;
      while (pending < 3 && Date.now() < until) pending = await this.pendingBurst();
      const killedAt = new Date();
      const codes = await Promise.all(victims.map((v) => v.stop("SIGKILL")));
      await burst;
      orderOne.close();
      // Checkouts begun before the kill and still PENDING once every live call's deadline has
      // passed: sagas the kill cut (on order-1, or on another replica by warehouse-1's death).
      await sleep(this.load.deadlineMs + 1_000);
      const cut = (await this.env.sql`select order_id::text as id from "order".orders where status = 'PENDING' and create_time < ${killedAt}`).map((r) => String(r.id));
      checks.push({ name: "killed with checkouts mid-saga", ok: codes.every((c) => c === "SIGKILL") && cut.length > 0, detail: `${victims.map((v, i) => `${v.name} ${codes[i]}`).join(", ")}; ${cut.length} orders left PENDING` });
      await Promise.all(victims.map((v) => v.restart()));
      await sleep(2_000);
      checks.push(recoveredCheck(s, CHECKOUTS, 1_000));
      await this.load.stop();
      checks.push(await this.resolvedCheck(cut));
    });
  }

  async redis(): Promise<void> {
    await this.phase("Redis: one of three nodes down, then two for 5 s, then restarted", async (stats, checks) => {
      const [a, b] = this.env.redis;
      await a!.stop();
      const one = stats("1 of 3 Redis nodes down");
      await this.loadFor(one, 3_000);
      const refused = one.of(CHECKOUTS).filter((o) => o.code === "UNAVAILABLE");
      checks.push({ name: "one node down changes nothing", ok: refused.length === 0 && one.of(CHECKOUTS).some((o) => o.code === "OK"), detail: `${one.of(CHECKOUTS).filter((o) => o.code === "OK").length} checkouts OK, ${refused.length} UNAVAILABLE` });

      await b!.stop();
      const two = stats("2 of 3 Redis nodes down");
      await this.loadFor(two, 5_000);
      // Checkouts, transfers and adjustments take SKU locks; payments, cancels and receipts do not.
      const locked = two.of(["checkout", "checkout (REST)", "transfer", "adjust"]);
      const slowest = Math.max(0, ...locked.map((o) => o.ms));
      const notRefused = locked.filter((o) => o.code !== "UNAVAILABLE");
      const unlocked = two.of(["pay", "cancel", "receipt"]);
      checks.push({
        name: "two nodes down: locked writes fail fast with UNAVAILABLE, the others go on",
        ok: locked.length > 0 && notRefused.length === 0 && slowest < 2_000 && unlocked.some((o) => o.code === "OK"),
        detail: `${locked.length} checkouts/transfers/adjustments, ${notRefused.length} not UNAVAILABLE${notRefused.length ? ` (${summarize(notRefused)})` : ""}, slowest ${Math.round(slowest)} ms; payments, cancels, receipts: ${summarize(unlocked)}`,
      });

      await Promise.all([a!.start(), b!.start()]);
      checks.push(await this.recoveryCheck("all works again after restart", stats("Redis nodes restarted"), 15_000, "restart"));
    });
  }

  async postgres(): Promise<void> {
    await this.phase("PostgreSQL stopped ~5 s under load, started again", async (stats, checks) => {
      const s = stats("PostgreSQL down");
      this.load.start(s);
      await sleep(1_500);
      await this.env.pg.stop();
      const downAt = Date.now();
      await sleep(5_000);
      const upAt = Date.now();
      const downFor = upAt - downAt;
      // Answers given while it was down (a call answered OK just as it stopped is not one).
      const whileDown = s.outcomes.filter((o) => o.at > downAt + 250 && o.at < upAt);
      await this.env.pg.start();
      await this.load.stop();
      const codes = new Set(whileDown.map((o) => o.code));
      checks.push({ name: "UNAVAILABLE while down", ok: codes.has("UNAVAILABLE") && !codes.has("OK"), detail: `down ${(downFor / 1000).toFixed(1)} s: ${summarize(whileDown)}` });
      checks.push(await this.recoveryCheck("services reconnect by themselves", stats("PostgreSQL restarted"), 20_000, "start"));
    });
  }

  async sweepers(): Promise<void> {
    await this.phase("3 warehouse + 3 order sweepers on 150 expired reservations", async (stats, checks) => {
      const s = stats("150 unpaid checkouts");
      const sweptBefore = new Map(this.env.log.sweptByProcess);
      const ids = await this.load.checkoutUnpaid(s, 150);
      const sweepers = [...this.env.mesh.processes].filter((p) => ["warehouse", "order"].includes(p.role) && p.running);
      checks.push({ name: "three sweepers of each kind running", ok: sweepers.length === 6, detail: sweepers.map((p) => p.name).join(", ") });
      await sleep(this.env.settings.reservationTtlMs);
      const until = Date.now() + 20_000;
      let left = ids.length;
      while (left > 0 && Date.now() < until) {
        await sleep(500);
        const [row] = await this.env.sql`select count(*)::int as n from warehouse.reservations where reservation_id in ${this.env.sql(ids)} and status <> 'RELEASED'`;
        left = Number(row!.n);
      }
      const released = [...this.env.log.sweptByProcess].map(([name, n]) => [name, n - (sweptBefore.get(name) ?? 0)] as const).filter(([, n]) => n > 0);
      checks.push({ name: "every expired reservation released", ok: left === 0 && ids.length > 100, detail: `${ids.length} checked out, ${left} not released; warehouse sweepers released ${released.map(([n, c]) => `${n} ${c}`).join(", ") || "none (the order sweepers released them)"}` });
      checks.push(await sweptCheck(this.env.sql, 3_000));
    });
  }

  async sigterm(): Promise<void> {
    await this.phase("SIGTERM one replica of each service and the gateway under load", async (stats, checks) => {
      const s = stats("SIGTERM, restart");
      const mesh = this.env.mesh;
      const victims: MeshProcess[] = [...serviceNames.map((service) => mesh.replica(service, 0)), mesh.replica("gateway")];
      this.load.start(s);
      await sleep(2_000);
      const grace = this.env.settings.shutdownGraceMs;
      const exits = await Promise.all(
        victims.map(async (v) => {
          const sent = Date.now();
          const code = await v.stop("SIGTERM", grace + 10_000);
          return { name: v.name, code, ms: Date.now() - sent };
        }),
      );
      const late = exits.filter((e) => e.code !== 0 || e.ms > grace + 2_000);
      checks.push({ name: `exit 0 within the grace (${grace / 1000} s + 2 s)`, ok: late.length === 0, detail: exits.map((e) => `${e.name} ${e.code} in ${(e.ms / 1000).toFixed(1)} s`).join(", ") });
      await Promise.all(victims.map((v) => v.restart()));
      await this.load.stop();
      checks.push(await this.recoveryCheck("all works again after restart", stats("restarted"), 20_000, "restart"));
    });
  }

  /** A closing check once every fault is over: nothing left for the sweepers. */
  async final(): Promise<Check> {
    await sleep(this.env.settings.reservationTtlMs + 2_000);
    return sweptCheck(this.env.sql, 3_000);
  }

  /** The checkouts a kill cut half-way end FAILED by the sweeper, their reservation released or never made. */
  private async resolvedCheck(ids: string[]): Promise<Check> {
    const started = Date.now();
    const until = started + this.env.settings.stalePendingAfterMs + 15_000;
    let rows: Array<Record<string, unknown>> = [];
    for (;;) {
      rows = ids.length
        ? await this.env.sql`select o.order_id::text as id, o.status, r.status as reservation from "order".orders o left join warehouse.reservations r on r.reservation_id = o.order_id::text where o.order_id::text in ${this.env.sql(ids)}`
        : [];
      if (rows.every((r) => r.status !== "PENDING") || Date.now() > until) break;
      await sleep(500);
    }
    const wrong = rows.filter((r) => r.status !== "FAILED" || !(r.reservation === null || r.reservation === "RELEASED"));
    return {
      name: "sweeper resolves the checkouts cut mid-saga",
      ok: wrong.length === 0 && rows.length === ids.length,
      detail: wrong.length
        ? wrong.map((r) => `${String(r.id)} ${String(r.status)}/${String(r.reservation)}`).slice(0, 5).join("; ")
        : `${ids.length} FAILED by the sweeper (stale after ${this.env.settings.stalePendingAfterMs / 1000} s), reservation released or never made${Date.now() - started > 1_000 ? `, after waiting ${((Date.now() - started) / 1000).toFixed(1)} s` : ""}`,
    };
  }

  /** Checkouts of the burst on order-1 half-way through their saga. */
  private async pendingBurst(): Promise<number> {
    const [row] = await this.env.sql`select count(*)::int as n from "order".orders where status = 'PENDING' and idempotency_key like 'burst-%'`;
    return Number(row!.n);
  }

  /**
   * After a fault ends: a checkout is OK again within `withinMs`, then 3 s of load whose last
   * 2 s of checkouts are all OK.
   */
  private async recoveryCheck(name: string, back: PhaseStats, withinMs: number, event: string): Promise<Check> {
    const recoveredIn = await this.untilCheckoutOk(back, withinMs);
    await this.loadFor(back, 3_000);
    const recovered = recoveredCheck(back, CHECKOUTS, 2_000);
    return {
      name,
      ok: recoveredIn !== undefined && recovered.ok,
      detail: recoveredIn === undefined ? `no checkout OK within ${withinMs / 1000} s` : `first checkout OK ${recoveredIn} ms after ${event}; ${recovered.detail}`,
    };
  }

  /** Single checkouts until one is OK; how long that took (undefined: never within `withinMs`). */
  private async untilCheckoutOk(stats: PhaseStats, withinMs: number): Promise<number | undefined> {
    const started = Date.now();
    while (Date.now() - started < withinMs) {
      if ((await this.load.checkoutUnpaid(stats, 1)).length === 1) return Date.now() - started;
      await sleep(200);
    }
    return undefined;
  }
}

/** No answer outside the expected ones (no INTERNAL, no UNKNOWN), and none past its deadline. */
function answersCheck(outcomes: Outcome[], deadlineMs: number): Check {
  const odd = outcomes.filter((o) => o.code !== "OK" && !EXPECTED_FAILURES.has(o.code));
  const late = outcomes.filter((o) => o.ms > deadlineMs + 250);
  return {
    name: "no INTERNAL or other unexpected code, none past its deadline",
    ok: odd.length === 0 && late.length === 0,
    detail: `${outcomes.length} calls, slowest ${Math.round(Math.max(0, ...outcomes.map((o) => o.ms)))} ms` + (odd.length ? `; unexpected: ${summarize(odd)}` : "") + (late.length ? `; ${late.length} past ${deadlineMs} ms` : ""),
  };
}

/** The last `lastMs` of a load's checkouts were answered OK again (none UNAVAILABLE). */
function recoveredCheck(stats: PhaseStats, ops: Op[], lastMs: number): Check {
  const outcomes = stats.of(ops);
  const end = Math.max(0, ...outcomes.map((o) => o.at));
  const tail = outcomes.filter((o) => o.at > end - lastMs);
  const ok = tail.filter((o) => o.code === "OK").length;
  const refusals = tail.filter((o) => o.code === "UNAVAILABLE" || o.code === "REFUSED");
  return { name: "checkouts served after recovery", ok: ok > 0 && refusals.length === 0, detail: `last ${tail.length} checkouts: ${ok} OK, ${refusals.length} refused${refusals.length ? ` (${summarize(refusals)})` : ""}` };
}

/** `UNAVAILABLE 12, OK 3` for a list of answers. */
export function summarize(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const key = o.reason && o.code !== "OK" ? `${o.code} ${o.reason}` : o.code;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((x, y) => y[1] - x[1]).map(([k, n]) => `${k} ${n}`).join(", ") || "no calls";
}
