import { randomUUID } from "node:crypto";
import os from "node:os";
import { config } from "@/core/config";
import { openDb, type Db } from "@/core/db";
import { countComputeLeases, dropComputeLease, pruneComputeLeases, putComputeLease, renewComputeLease, tryBulkComputeLease } from "@/core/db/queries";

// One scheduler for model compute across the web process and the worker, through lease rows in
// the metadata db (both processes already share it). llama.cpp's threads spin-wait, so two
// models computing on the same cores at once are both several times slower than either alone;
// instead interactive work (an answer, a query embedding) takes the cores and the worker's bulk
// embedding steps aside between chunks, so the machine runs one model's threads at a time.
//
// - interactive(fn): writes an interactive lease, waits until no live bulk lease remains (the
//   worker finishes the chunk under way, at most maxWaitMs), runs fn, then lets the lease linger
//   a moment so the next model call of the same answer does not let the worker back in.
// - BulkLease.turn(): called by the worker before each chunk; returns at once while no
//   interactive lease is live, otherwise gives its bulk lease up and waits.
// Leases are renewed by a heartbeat and expire after ttlMs, so a killed process's lease lapses
// by itself and the other process carries on.
// - share(side): when true, that side does not wait for the other. The process scheduler shares
//   when each model runs 1 thread and the machine has a core for each (spareCoreFree), so bulk
//   embedding goes on at 1 thread beside an answer at 1 thread, and pauses only when the cores are busy.

export interface ComputeSchedulerOptions {
  db: Db;
  enabled?: boolean;
  /** A lease not renewed for this long belongs to a stopped process. */
  ttlMs?: number;
  heartbeatMs?: number;
  /** An interactive lease stays this long after its call ends. */
  lingerMs?: number;
  pollMs?: number;
  /** The longest an interactive call waits for the worker to step aside. */
  maxWaitMs?: number;
  pid?: number;
  /** Asked before each wait by that side: true lets both kinds compute at once (default: never). */
  share?: (side: "interactive" | "bulk") => boolean;
}

/**
 * Whether an answer and bulk embedding can compute side by side without oversubscribing: each
 * model runs `threads` threads, both fit in the cores, and the 1-minute load average leaves room
 * for them. The load counts Cairn's own two models while they share, so the bar is the core count
 * plus a half (a lagging average; a stricter bar would flip back and forth on Cairn's own load).
 */
export function spareCoreFree(o: { threads: number; cores: number; load1: number; margin?: number }): boolean {
  return o.threads >= 1 && 2 * o.threads <= o.cores && o.load1 <= o.cores + (o.margin ?? 0.5);
}

/**
 * The worker decides (margin 0.5); the web side shares up to a looser bar (1.0), so that whenever
 * the worker keeps computing beside an answer the answer does not wait for it either (the two read
 * the load a few seconds apart). When the worker does not share it steps aside at its next chunk.
 */
export const SHARE_MARGIN = { bulk: 0.5, interactive: 1.0 } as const;

export interface ComputeStats {
  /** Interactive calls, and the total time they waited for the worker to step aside. */
  interactiveCalls: number;
  interactiveWaitMs: number;
  /** Times bulk work stepped aside, and the total time it waited. */
  bulkPauses: number;
  bulkPausedMs: number;
  /** Interactive calls and bulk turns that ran beside the other kind (share() was true). */
  shared: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ComputeScheduler {
  readonly enabled: boolean;
  readonly ttlMs: number;
  readonly stats: ComputeStats = { interactiveCalls: 0, interactiveWaitMs: 0, bulkPauses: 0, bulkPausedMs: 0, shared: 0 };
  private readonly db: Db;
  private readonly heartbeatMs: number;
  private readonly lingerMs: number;
  private readonly pollMs: number;
  private readonly maxWaitMs: number;
  readonly pid: number;
  readonly share: (side: "interactive" | "bulk") => boolean;
  private warned = false;

  constructor(o: ComputeSchedulerOptions) {
    this.db = o.db;
    this.enabled = o.enabled ?? true;
    this.ttlMs = o.ttlMs ?? 4000;
    this.heartbeatMs = o.heartbeatMs ?? Math.max(50, Math.floor(this.ttlMs / 4));
    this.lingerMs = o.lingerMs ?? 750;
    this.pollMs = o.pollMs ?? 25;
    this.maxWaitMs = o.maxWaitMs ?? 10_000;
    this.pid = o.pid ?? process.pid;
    this.share = o.share ?? (() => false);
  }

  /** Live bulk leases (the worker is embedding now). */
  bulkActive(): number {
    return countComputeLeases(this.db, "bulk", Date.now());
  }

  /** Live interactive leases (an answer or query is being computed). */
  interactiveActive(): number {
    return countComputeLeases(this.db, "interactive", Date.now());
  }

  /** Runs fn with priority over bulk work. The db failing never fails the call: it runs unscheduled. */
  async interactive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.enabled) return fn();
    const id = `interactive:${this.pid}:${randomUUID()}`;
    try {
      pruneComputeLeases(this.db, Date.now() - 60_000);
      putComputeLease(this.db, { id, kind: "interactive", pid: this.pid, expiresAt: Date.now() + this.ttlMs });
    } catch (e) {
      this.warnOnce(e);
      return fn();
    }
    const heartbeat = setInterval(() => this.safe(() => renewComputeLease(this.db, id, Date.now() + this.ttlMs)), this.heartbeatMs);
    heartbeat.unref();
    try {
      const started = Date.now();
      while (Date.now() - started < this.maxWaitMs && this.safe(() => this.bulkActive() > 0)) {
        if (this.share("interactive")) {
          this.stats.shared++;
          break;
        }
        await sleep(this.pollMs);
      }
      this.stats.interactiveCalls++;
      this.stats.interactiveWaitMs += Date.now() - started;
      return await fn();
    } finally {
      clearInterval(heartbeat);
      this.safe(() => renewComputeLease(this.db, id, Date.now() + this.lingerMs));
    }
  }

  /** The worker's side: one per run of bulk work. */
  bulk(): BulkLease {
    return new BulkLease(this, this.db, this.pollMs, this.heartbeatMs);
  }

  private safe<T>(fn: () => T): T | false {
    try {
      return fn();
    } catch (e) {
      this.warnOnce(e);
      return false;
    }
  }

  private warnOnce(e: unknown) {
    if (this.warned) return;
    this.warned = true;
    console.warn("compute scheduler: the metadata db is unavailable, computing unscheduled:", e instanceof Error ? e.message : e);
  }
}

export class BulkLease {
  private readonly id: string;
  private held = false;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly scheduler: ComputeScheduler,
    private readonly db: Db,
    private readonly pollMs: number,
    private readonly heartbeatMs: number,
  ) {
    this.id = `bulk:${scheduler.pid}:${randomUUID()}`;
  }

  /** Waits until bulk work may compute, and holds the lease; returns how long it waited (ms). */
  async turn(): Promise<number> {
    if (!this.scheduler.enabled) return 0;
    if (this.held) {
      if (countComputeLeases(this.db, "interactive", Date.now()) === 0) return 0;
      if (this.scheduler.share("bulk")) {
        this.scheduler.stats.shared++;
        return 0;
      }
      this.release();
    }
    const started = Date.now();
    let paused = false;
    for (;;) {
      const lease = { id: this.id, pid: this.scheduler.pid, now: Date.now(), expiresAt: Date.now() + this.scheduler.ttlMs };
      if (tryBulkComputeLease(this.db, lease)) break;
      if (this.scheduler.share("bulk")) {
        putComputeLease(this.db, { ...lease, kind: "bulk" });
        this.scheduler.stats.shared++;
        break;
      }
      paused = true;
      await sleep(this.pollMs * 4);
    }
    this.held = true;
    this.heartbeat = setInterval(() => {
      // Pruned after a stall longer than the TTL: take it again on the next turn.
      if (!renewComputeLease(this.db, this.id, Date.now() + this.scheduler.ttlMs)) this.held = false;
    }, this.heartbeatMs);
    this.heartbeat.unref();
    const waited = Date.now() - started;
    if (paused) {
      this.scheduler.stats.bulkPauses++;
      this.scheduler.stats.bulkPausedMs += waited;
    }
    return waited;
  }

  /** Gives the cores back (end of the run, or an interactive call came in). */
  release(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (this.held) dropComputeLease(this.db, this.id);
    this.held = false;
  }
}

const schedulers = new Map<string, ComputeScheduler>();

/** The process's scheduler over the configured data dir. */
export function computeScheduler(): ComputeScheduler {
  const cfg = config();
  let s = schedulers.get(cfg.dbPath);
  if (!s) {
    const cores = os.availableParallelism();
    // "always" keeps the thread-count condition and drops the load one.
    const share =
      cfg.computeShare === "off"
        ? undefined
        : (side: "interactive" | "bulk") =>
            spareCoreFree({ threads: cfg.modelThreads, cores, load1: cfg.computeShare === "always" ? 0 : os.loadavg()[0]!, margin: SHARE_MARGIN[side] });
    s = new ComputeScheduler({ db: openDb(cfg.dbPath), enabled: cfg.computeScheduler, share });
    schedulers.set(cfg.dbPath, s);
  }
  return s;
}
