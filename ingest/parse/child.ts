import { CairnError } from "@/core/errors";
import { parseFileInProcess } from "./parseDocument";
import type { ChildMessage, ParseJob, SerializedError, YieldAnswer } from "./protocol";

// The sandboxed parser process: forked by ParserPool, parses one job at a time,
// and dies with its parent. A hostile file can hang or crash only this process.

function send(message: ChildMessage): void {
  process.send?.(message);
}

function serialize(err: unknown, job: ParseJob): SerializedError {
  if (err instanceof CairnError) {
    return { type: err.type, surface: err.surface, message: err.message, reason: err.reason };
  }
  // A parser library threw something we did not classify: log it for us, and give
  // the user a specific outcome rather than an internal error.
  console.error(`[parser] unclassified error on ${job.declaredName}:`, err);
  const detail = err instanceof Error ? err.message : String(err);
  return {
    type: "unprocessable",
    surface: "parse",
    message: `${job.declaredName} could not be read: ${detail}`,
    reason: "parse_failed",
  };
}

function runTestHook(hook: ParseJob["testHook"]): void {
  if (!hook || process.env.NODE_ENV !== "test") return;
  if (hook === "hang") {
    // A synchronous loop, like a parser stuck on a hostile file: the event loop is blocked.
    for (;;);
  }
  if (hook === "crash") process.exit(70);
  if (hook === "oom") {
    const hog: string[][] = [];
    for (;;) hog.push(new Array(1_000_000).fill("x".repeat(16) + hog.length));
  }
}

/** Between OCR pages the child asks the parent, which knows the queue, whether to stop. */
const yieldAnswers = new Map<number, (y: boolean) => void>();
function askYield(id: number): Promise<boolean> {
  return new Promise((resolve) => {
    yieldAnswers.set(id, resolve);
    send({ type: "ask_yield", id });
  });
}

async function handle(job: ParseJob): Promise<void> {
  try {
    runTestHook(job.testHook);
    const doc = await parseFileInProcess(job.filePath, job.declaredName, {
      maxUnzippedBytes: job.maxUnzippedBytes,
      ocr: job.ocr,
      ocrResume: job.ocrResume,
      yieldRequested: () => askYield(job.id),
      onProgress: (progress) => send({ type: "progress", id: job.id, progress }),
    });
    send({ type: "result", id: job.id, doc });
  } catch (err) {
    send({ type: "error", id: job.id, error: serialize(err, job) });
  } finally {
    yieldAnswers.delete(job.id);
  }
}

process.on("message", (m: ParseJob | YieldAnswer) => {
  if ("type" in m && m.type === "yield_answer") {
    yieldAnswers.get(m.id)?.(m.yield);
    yieldAnswers.delete(m.id);
  } else void handle(m as ParseJob);
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
