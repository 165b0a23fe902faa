import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, openDb } from "@/core/db";
import { ComputeScheduler, SHARE_MARGIN, spareCoreFree } from "@/models/computeScheduler";

// The spare-core policy: bulk embedding goes on beside an answer when each model runs 1 thread and
// the load leaves a core for each; otherwise the scheduler pauses it as before. Leases are db rows,
// so one process holding both kinds exercises the same paths as the web process and the worker.
const dir = mkdtempSync(path.join(os.tmpdir(), "h11b-share-"));
const dbPath = path.join(dir, "cairn.db");
let sharing = false;
const scheduler = new ComputeScheduler({ db: openDb(dbPath), ttlMs: 2000, pollMs: 10, maxWaitMs: 5000, lingerMs: 100, share: () => sharing });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => {
  closeDb(dbPath);
  rmSync(dir, { recursive: true, force: true });
});

describe("spareCoreFree", () => {
  it("shares only with 1-thread models that fit the cores, while the load leaves room", () => {
    expect(spareCoreFree({ threads: 1, cores: 2, load1: 0.3 })).toBe(true);
    // Cairn's own two models at 1 thread each read as a load of about 2.
    expect(spareCoreFree({ threads: 1, cores: 2, load1: 2.4 })).toBe(true);
    expect(spareCoreFree({ threads: 1, cores: 2, load1: 2.6 })).toBe(false);
    expect(spareCoreFree({ threads: 1, cores: 2, load1: 7 })).toBe(false);
    // 0 = all cores per model: two models would oversubscribe whatever the load.
    expect(spareCoreFree({ threads: 0, cores: 2, load1: 0 })).toBe(false);
    expect(spareCoreFree({ threads: 2, cores: 2, load1: 0 })).toBe(false);
    expect(spareCoreFree({ threads: 2, cores: 4, load1: 4.5 })).toBe(true);
  });

  it("lets the web side share whenever the worker does (a looser bar), so an answer never waits on a sharing worker", () => {
    for (let load1 = 0; load1 <= 6; load1 += 0.05) {
      const bulk = spareCoreFree({ threads: 1, cores: 2, load1, margin: SHARE_MARGIN.bulk });
      const web = spareCoreFree({ threads: 1, cores: 2, load1: load1 + 0.4, margin: SHARE_MARGIN.interactive });
      if (bulk) expect(web).toBe(true);
    }
  });
});

describe("compute scheduler with a spare core", () => {
  it("while sharing, an answer does not wait for the worker's lease and the worker keeps its turn during the answer", async () => {
    sharing = true;
    const bulk = scheduler.bulk();
    // Nothing to wait for: only the lease's own write (a few ms on a loaded machine).
    expect(await bulk.turn()).toBeLessThan(200);
    expect(scheduler.bulkActive()).toBe(1);
    const sharedBefore = scheduler.stats.shared;
    let turnsInside = 0;
    await scheduler.interactive(async () => {
      expect(scheduler.bulkActive()).toBe(1);
      for (let i = 0; i < 3; i++) turnsInside += (await bulk.turn()) === 0 ? 1 : 0;
    });
    expect(turnsInside).toBe(3);
    expect(scheduler.bulkActive()).toBe(1);
    expect(scheduler.stats.shared - sharedBefore).toBeGreaterThanOrEqual(4);
    bulk.release();
  });

  it("a worker without a lease takes one beside a live answer while sharing", async () => {
    sharing = true;
    const bulk = scheduler.bulk();
    let waited = -1;
    await scheduler.interactive(async () => {
      waited = await bulk.turn();
    });
    expect(waited).toBeLessThan(200);
    bulk.release();
  });

  it("when the cores are busy (not sharing) the worker steps aside during an answer, as before", async () => {
    sharing = false;
    const bulk = scheduler.bulk();
    await bulk.turn();
    let answerStarted = 0;
    let answerEnded = 0;
    let turnDone = 0;
    const answer = scheduler.interactive(async () => {
      answerStarted = Date.now();
      await sleep(300);
      answerEnded = Date.now();
    });
    // The held lease is live, so the answer waits for the worker's next turn to give it up.
    await sleep(50);
    expect(answerStarted).toBe(0);
    await bulk.turn().then(() => (turnDone = Date.now()));
    await answer;
    expect(answerStarted).toBeGreaterThan(0);
    // The worker got its turn back only after the answer (and its linger) ended.
    expect(turnDone).toBeGreaterThanOrEqual(answerEnded);
    bulk.release();
  });
});
