import { open, readFile, rm } from "node:fs/promises";
import { CairnError } from "@/core/errors";

/**
 * Runs `fn` holding an exclusive lock file (containing our pid), so two pulls of one model
 * (CLI and web UI, say) never write the same `.part`. A lock left by a dead process is taken over.
 */
export async function withFileLock<T>(lockPath: string, what: string, fn: () => Promise<T>): Promise<T> {
  await acquire(lockPath, what, true);
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function acquire(lockPath: string, what: string, mayRetry: boolean): Promise<void> {
  const handle = await open(lockPath, "wx").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "EEXIST") return null;
    throw e;
  });
  if (handle) {
    await handle.writeFile(String(process.pid));
    await handle.close();
    return;
  }
  const owner = Number.parseInt((await readFile(lockPath, "utf8").catch(ignoreMissing)).trim(), 10);
  if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
    throw new CairnError("conflict:download", `${what} is already being downloaded by process ${owner}; wait for it to finish.`, {
      reason: "in_progress",
    });
  }
  if (!mayRetry) throw new CairnError("conflict:download", `Cannot take the lock ${lockPath}.`, { reason: "lock_busy" });
  await rm(lockPath, { force: true }); // stale: its owner is gone
  await acquire(lockPath, what, false);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ignoreMissing(e: NodeJS.ErrnoException): string {
  if (e.code === "ENOENT") return ""; // released between our open and read
  throw e;
}
