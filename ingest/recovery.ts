import type { Db } from "@/lib/db";

/**
 * Running jobs whose worker process on this host is gone (SIGKILL, crash, reboot) go back
 * to pending at once, instead of waiting for their heartbeat to go stale.
 */
export function releaseOrphanedJobs(db: Db, hostname: string): number {
  const running = db.prepare("SELECT id, locked_by AS lockedBy FROM jobs WHERE status = 'running'").all() as { id: number; lockedBy: string | null }[];
  let released = 0;
  for (const job of running) {
    const [host, pidText] = (job.lockedBy ?? "").split(":");
    if (host !== hostname) continue;
    if (isAlive(Number(pidText))) continue;
    db.prepare("UPDATE jobs SET status = 'pending', locked_by = NULL, heartbeat_at = NULL WHERE id = ? AND status = 'running'").run(job.id);
    released++;
  }
  return released;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
