import { fork, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CairnError } from "@/core/errors";
import type { OcrPageResult, ParsedDocument } from "../types";
import type { ChildMessage, ParseJob, ParseProgress, TestHook, YieldAnswer } from "./protocol";

// A small pool of long-lived parser processes. Forking per file would cost a Node +
// tsx start (~0.5 s) per document; a reused child costs nothing. A child that times
// out, crashes or balloons is killed and replaced by the next job.

const here = path.dirname(fileURLToPath(import.meta.url));
const childScript = path.join(here, "child.ts");
const repoRoot = path.resolve(here, "../..");
// pdf.js first, then tsx: see childPreload.mjs.
const childPreload = pathToFileURL(path.join(here, "childPreload.mjs")).href;

export interface PoolJob {
  filePath: string;
  declaredName: string;
  maxUnzippedBytes: number;
  /** Without progress for this long the child is stopped; each page read (OCR) restarts the clock. */
  timeoutMs: number;
  maxMemoryMb: number;
  ocr?: ParseJob["ocr"];
  ocrResume?: OcrPageResult[];
  /**
   * Asked by the child between two OCR pages: true when other documents wait, and the child then
   * stops there (the result carries ocrPaused). Without it a scan is read to its end.
   */
  shouldYield?: () => boolean;
  onProgress?: (p: ParseProgress) => void;
  testHook?: TestHook;
}

interface Task extends PoolJob {
  id: number;
  resolve: (doc: ParsedDocument) => void;
  reject: (err: CairnError) => void;
}

interface Slot {
  child: ChildProcess;
  heapMb: number;
  ready: Promise<void>;
  stderrTail: string;
  task?: Task;
  cleanup?: () => void;
}

/** Whole-process memory allowed: the V8 heap cap plus room for buffers outside it. */
const rssLimitMb = (heapMb: number) => heapMb * 2 + 256;
const watchEveryMs = 250;
/**
 * An idle child above this is replaced by a fresh one (≈ 130 MB, ≈ 135 MB after text PDFs): V8
 * and the canvas keep what an OCR'd document made them grow (≈ 330 MB after a scanned page), and
 * the whole app aims to fit in 3 GB.
 */
const RECYCLE_IDLE_ABOVE_MB = 250;

export class ParserPool {
  private readonly slots: (Slot | undefined)[];
  /** Set synchronously when a task is assigned, so pump() never doubles up on a slot. */
  private readonly busy: boolean[];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(size = 1) {
    this.slots = new Array(Math.max(1, size)).fill(undefined);
    this.busy = new Array(this.slots.length).fill(false);
  }

  parse(job: PoolJob): Promise<ParsedDocument> {
    if (this.closed) return Promise.reject(new CairnError("unavailable:parse", "The parser pool is closed."));
    return new Promise((resolve, reject) => {
      this.queue.push({ ...job, filePath: path.resolve(job.filePath), id: this.nextId++, resolve, reject });
      this.pump();
    });
  }

  /** Starts the children now, so the first file doesn't pay for a Node + tsx start. */
  async warm(maxMemoryMb: number): Promise<void> {
    for (let i = 0; i < this.slots.length; i++) {
      if (this.slots[i] || this.closed) continue;
      const slot = this.spawn(maxMemoryMb);
      this.slots[i] = slot;
      // Held while starting (so awaiting warm() keeps the process alive), released when idle.
      slot.ready.then(
        () => slot.task || this.setRef(slot, false),
        () => undefined,
      );
    }
    await Promise.all(this.slots.map((s) => s?.ready));
  }

  private refill(index: number, heapMb: number): void {
    if (this.closed || this.slots[index]) return;
    const slot = this.spawn(heapMb);
    this.slots[index] = slot;
    this.setRef(slot, false);
  }

  /** Kills every child; pending jobs fail with `unavailable`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) {
      task.reject(new CairnError("unavailable:parse", "The parser pool was closed before this file was parsed."));
    }
    await Promise.all(this.slots.map((slot, i) => (slot ? this.kill(i, slot) : undefined)));
  }

  private pump(): void {
    for (let i = 0; i < this.slots.length && this.queue.length; i++) {
      if (this.busy[i]) continue;
      this.busy[i] = true;
      const task = this.queue.shift() as Task;
      void this.run(i, task);
    }
  }

  private spawn(heapMb: number): Slot {
    const child = fork(childScript, [], {
      cwd: repoRoot,
      execArgv: ["--import", childPreload, `--max-old-space-size=${heapMb}`],
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      serialization: "advanced",
    });
    const slot: Slot = { child, heapMb, stderrTail: "", ready: Promise.resolve() };
    // E.g. a send on a channel that just closed; the exit handler reports the job.
    child.on("error", (err) => console.error("[parser pool] parser process error:", err));
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      process.stderr.write(chunk);
      slot.stderrTail = (slot.stderrTail + chunk).slice(-4000);
    });
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: ChildMessage) => {
        if (m.type === "ready") {
          child.off("message", onMessage);
          resolve();
        }
      };
      child.on("message", onMessage);
      child.once("exit", (code, signal) => reject(new Error(`parser process exited during start (${signal ?? code})`)));
    });
    slot.ready.catch(() => undefined); // observed in run(); avoid an unhandled rejection when idle
    return slot;
  }

  private async run(index: number, task: Task): Promise<void> {
    let slot = this.slots[index];
    if (slot && (slot.child.exitCode !== null || slot.child.signalCode !== null || slot.heapMb !== task.maxMemoryMb)) {
      await this.kill(index, slot);
      slot = undefined;
    }
    slot ??= this.spawn(task.maxMemoryMb);
    this.slots[index] = slot;
    slot.task = task;
    this.setRef(slot, true);
    try {
      await slot.ready;
    } catch (err) {
      this.finish(index, slot, new CairnError("internal:parse", `The parser process could not start: ${String(err)}`, { reason: "parser_crashed" }));
      return;
    }
    this.watch(index, slot, task);
    const job: ParseJob = {
      id: task.id,
      filePath: task.filePath,
      declaredName: task.declaredName,
      maxUnzippedBytes: task.maxUnzippedBytes,
      ocr: task.ocr ?? null,
      ocrResume: task.ocrResume,
      testHook: task.testHook,
    };
    slot.child.send(job, (err) => {
      if (err) this.finish(index, slot, new CairnError("unprocessable:parse", `The parser process stopped before reading ${task.declaredName}.`, { reason: "parser_crashed" }));
    });
  }

  /** Wires the result, the time limit, the crash and the memory watchdog for one job. */
  private watch(index: number, slot: Slot, task: Task): void {
    const { child } = slot;
    const onMessage = (m: ChildMessage) => {
      if (m.type === "ready" || m.id !== task.id) return;
      if (m.type === "ask_yield") {
        let answer = false;
        try {
          answer = task.shouldYield?.() ?? false;
        } catch (err) {
          console.warn("[parser pool] yield check failed:", err);
        }
        child.send({ type: "yield_answer", id: task.id, yield: answer } satisfies YieldAnswer, () => undefined);
        return;
      }
      if (m.type === "progress") {
        // A slow OCR page is progress, not a hang: the limit is per step, not per document.
        timer.refresh();
        try {
          task.onProgress?.(m.progress);
        } catch (err) {
          console.warn("[parser pool] progress handler failed:", err);
        }
        return;
      }
      if (m.type === "result") this.finish(index, slot, m.doc);
      else this.finish(index, slot, new CairnError(`${m.error.type}:${m.error.surface}`, m.error.message, { reason: m.error.reason }));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const oom = /heap out of memory|Allocation failed/i.test(slot.stderrTail);
      const why = oom ? `ran out of memory (limit ${task.maxMemoryMb} MB)` : `crashed (${signal ?? `exit code ${code}`})`;
      this.finish(index, slot, new CairnError("unprocessable:parse", `The parser ${why} while reading ${task.declaredName}.`, { reason: oom ? "too_much_memory" : "parser_crashed" }));
    };
    const timer = setTimeout(() => {
      this.finish(index, slot, new CairnError("unprocessable:parse", `Reading ${task.declaredName} took longer than ${formatMs(task.timeoutMs)} and was stopped.`, { reason: "timeout" }), true);
    }, task.timeoutMs);
    const memoryWatch = setInterval(() => {
      readRssMb(child.pid).then(
        (rss) => {
          if (rss !== undefined && rss > rssLimitMb(task.maxMemoryMb) && slot.task === task) {
            const limit = rssLimitMb(task.maxMemoryMb);
            const message = `The parser used more than ${limit} MB of memory reading ${task.declaredName} and was stopped.`;
            this.finish(index, slot, new CairnError("unprocessable:parse", message, { reason: "too_much_memory" }), true);
          }
        },
        (err) => console.warn("[parser pool] memory watchdog could not read /proc:", err),
      );
    }, watchEveryMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
    slot.cleanup = () => {
      clearTimeout(timer);
      clearInterval(memoryWatch);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
  }

  private finish(index: number, slot: Slot, outcome: ParsedDocument | CairnError, killChild = false): void {
    const task = slot.task;
    if (!task) return;
    slot.task = undefined;
    this.busy[index] = false;
    slot.cleanup?.();
    slot.cleanup = undefined;
    if (outcome instanceof CairnError) task.reject(outcome);
    else task.resolve(outcome);
    if (killChild || slot.child.exitCode !== null || slot.child.signalCode !== null) {
      // Replace the dead child right away, so the next file doesn't wait for a start.
      void this.kill(index, slot).then(() => this.refill(index, slot.heapMb));
    } else {
      this.setRef(slot, false);
      this.recycleIfBloated(index, slot);
    }
    if (!this.closed) this.pump();
  }

  private recycleIfBloated(index: number, slot: Slot): void {
    readRssMb(slot.child.pid).then(
      (rss) => {
        if (rss === undefined || rss <= RECYCLE_IDLE_ABOVE_MB) return;
        // Only while still idle: a job given to this slot meanwhile keeps its child.
        if (this.closed || this.busy[index] || this.slots[index] !== slot || slot.task) return;
        void this.kill(index, slot).then(() => this.refill(index, slot.heapMb));
      },
      () => undefined,
    );
  }

  private async kill(index: number, slot: Slot): Promise<void> {
    if (this.slots[index] === slot) this.slots[index] = undefined;
    slot.cleanup?.();
    const { child } = slot;
    if (child.exitCode !== null || child.signalCode !== null) return;
    this.setRef(slot, true); // keep the process alive until the exit is seen
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  /** An idle child must not keep the parent process alive. */
  private setRef(slot: Slot, ref: boolean): void {
    const handles = [slot.child, slot.child.channel, slot.child.stderr] as ({ ref?: () => void; unref?: () => void } | null | undefined)[];
    for (const h of handles) (ref ? h?.ref : h?.unref)?.call(h);
  }
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

async function readRssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined || process.platform !== "linux") return undefined;
  try {
    const statm = await readFile(`/proc/${pid}/statm`, "utf8");
    return (Number(statm.split(" ")[1]) * 4096) / 2 ** 20;
  } catch (err) {
    // The process is already gone: its exit handler reports that.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH") return undefined;
    throw err;
  }
}
