import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeDb, openDb } from "@/core/db";
import { ComputeScheduler } from "@/models/computeScheduler";

// The scheduler across two real processes sharing one metadata db, including SIGKILL of either.
const root = path.resolve(import.meta.dirname, "../../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "h11-sched-"));
const dbPath = path.join(dir, "cairn.db");
// Generous for a loaded machine: a heartbeat delayed past the TTL would let a live lease lapse.
const TTL = 2500;
const scheduler = new ComputeScheduler({ db: openDb(dbPath), ttlMs: TTL, pollMs: 10, maxWaitMs: 20_000, lingerMs: 200 });
const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function child(args: string[]) {
  const proc = spawn(process.execPath, ["--import", "tsx", "test/standalone/models/helpers/computeChild.ts", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(proc);
  const lines: string[] = [];
  let buf = "";
  proc.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
  });
  const chunks = () => lines.filter((l) => l.startsWith("chunk ")).map((l) => l.split(" ").slice(1).map(Number) as [number, number]);
  const until = async (cond: () => boolean, ms = 20_000) => {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > ms) throw new Error(`child did not get there in ${ms} ms; output: ${lines.join(" | ")}`);
      await sleep(10);
    }
  };
  return { proc, lines, chunks, until };
}

afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});
afterAll(() => {
  closeDb(dbPath);
  rmSync(dir, { recursive: true, force: true });
});

describe("compute scheduler across processes", () => {
  it("an interactive call waits for the chunk under way, bulk work pauses while it runs and resumes after", async () => {
    const worker = child(["bulk", dbPath, String(TTL), "60"]);
    await worker.until(() => worker.chunks().length >= 3);
    let inside: [number, number] = [0, 0];
    await scheduler.interactive(async () => {
      const start = Date.now();
      await sleep(700);
      inside = [start, Date.now()];
    });
    const before = worker.chunks().length;
    await worker.until(() => worker.chunks().length >= before + 3);
    const chunks = worker.chunks();
    // Nothing computed in bulk while the interactive call had the cores.
    const overlapping = chunks.filter(([s, e]) => s < inside[1] && e > inside[0]);
    expect(overlapping).toEqual([]);
    // And bulk work went on afterwards.
    expect(chunks.some(([s]) => s >= inside[1])).toBe(true);
    expect(scheduler.stats.interactiveCalls).toBe(1);
  });

  it("a worker killed while holding its lease: the interactive call runs once the lease expires", async () => {
    const worker = child(["bulk", dbPath, String(TTL), "600000"]);
    await worker.until(() => scheduler.bulkActive() === 1);
    // The heartbeat keeps a live worker's lease beyond its TTL.
    await sleep(TTL * 2);
    expect(scheduler.bulkActive()).toBe(1);
    worker.proc.kill("SIGKILL");
    const t0 = Date.now();
    await scheduler.interactive(async () => undefined);
    const waited = Date.now() - t0;
    expect(waited).toBeLessThan(TTL + 1500);
    expect(scheduler.bulkActive()).toBe(0);
  });

  it("a web process killed mid-answer: bulk work resumes once its lease expires", async () => {
    const web = child(["interactive", dbPath, String(TTL)]);
    await web.until(() => web.lines.includes("holding"));
    const lease = scheduler.bulk();
    let resumedAt = 0;
    const turn = lease.turn().then(() => (resumedAt = Date.now()));
    await sleep(TTL * 2);
    // Still held by a live process: no turn for bulk work.
    expect(resumedAt).toBe(0);
    expect(scheduler.interactiveActive()).toBe(1);
    web.proc.kill("SIGKILL");
    const killedAt = Date.now();
    await turn;
    expect(resumedAt - killedAt).toBeLessThan(TTL + 1500);
    expect(scheduler.bulkActive()).toBe(1);
    lease.release();
    expect(scheduler.bulkActive()).toBe(0);
  });

  it("turned off, nothing waits", async () => {
    const worker = child(["bulk", dbPath, String(TTL), "600000"]);
    await worker.until(() => scheduler.bulkActive() === 1);
    const off = new ComputeScheduler({ db: openDb(dbPath), enabled: false, ttlMs: TTL });
    const t0 = Date.now();
    await off.interactive(async () => undefined);
    expect(Date.now() - t0).toBeLessThan(200);
    expect(scheduler.interactiveActive()).toBe(0);
  });
});
