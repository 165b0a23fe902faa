import { describe, expect, it } from "vitest";
import { isCairnError } from "@/core/errors";
import { ModelQueue } from "@/models/queue";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ModelQueue", () => {
  it("runs tasks one at a time in FIFO order", async () => {
    const q = new ModelQueue();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const task = (name: string, ms: number) => async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      active--;
      return name;
    };
    const results = await Promise.all([q.run(task("a", 30)), q.run(task("b", 5)), q.run(task("c", 10))]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(maxActive).toBe(1);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("reports how long each task waited", async () => {
    const q = new ModelQueue();
    const waits: number[] = [];
    await Promise.all([
      q.run(async ({ queuedMs }) => {
        waits.push(queuedMs);
        await sleep(40);
      }),
      q.run(async ({ queuedMs }) => {
        waits.push(queuedMs);
      }),
    ]);
    expect(waits[0]).toBeLessThan(waits[1]!);
    expect(waits[1]).toBeGreaterThanOrEqual(35);
  });

  it("removes a waiting request when its signal aborts, and the rest still run", async () => {
    const q = new ModelQueue();
    const ran: string[] = [];
    const ac = new AbortController();
    const first = q.run(async () => {
      await sleep(30);
      ran.push("first");
    });
    const second = q.run(async () => ran.push("second"), { signal: ac.signal });
    const third = q.run(async () => ran.push("third"));
    expect(q.pending).toBe(2);
    ac.abort();
    expect(q.pending).toBe(1);
    const err = await second.catch((e: unknown) => e);
    expect(isCairnError(err) && err.reason === "aborted").toBe(true);
    await Promise.all([first, third]);
    expect(ran).toEqual(["first", "third"]);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const q = new ModelQueue();
    let ran = false;
    const err = await q.run(async () => (ran = true), { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(isCairnError(err) && err.reason === "aborted").toBe(true);
    expect(ran).toBe(false);
  });

  it("frees the slot when a task throws", async () => {
    const q = new ModelQueue();
    const failing = q.run(async () => {
      throw new Error("boom");
    });
    const next = q.run(async () => "ok");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
    expect(q.busy).toBe(false);
  });
});
