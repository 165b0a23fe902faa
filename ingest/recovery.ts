import type { Db } from "@/core/db";
import { listRunningJobs, releaseJob } from "@/core/db/queries";

/**
 * Running jobs whose worker process on this host is gone (SIGKILL, crash, reboot) go back
 * to pending at once, instead of waiting for their heartbeat to go stale.
 */
export function releaseOrphanedJobs(db: Db, hostname: string): number {
  let released = 0;
  for (const job of listRunningJobs(db)) {
    const [host, pidText] = (job.lockedBy ?? "").split(":");
    if (host !== hostname) continue;
    if (isAlive(Number(pidText))) continue;
    if (releaseJob(db, job.id)) released++;
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
