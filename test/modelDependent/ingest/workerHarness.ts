import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, workerCommand } from "../../../scripts/lib.mjs";

/** A real worker process (as `npm start` runs it) on the given data dir. */
export function startWorker(env: Record<string, string>): { proc: ChildProcess; logs: () => string } {
  let log = "";
  const proc = spawn(workerCommand[0], workerCommand[1], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", CAIRN_WORKER_POLL_MS: "100", ...env },
  });
  proc.stdout?.on("data", (d) => (log += d));
  proc.stderr?.on("data", (d) => (log += d));
  return { proc, logs: () => log };
}

export async function stopWorker(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
    setTimeout(() => proc.kill("SIGKILL"), 5000).unref();
  });
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, logs?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${logs ? `\nworker log:\n${logs().slice(-4000)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function tempDataDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
