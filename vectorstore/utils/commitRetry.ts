// Several writers on one table (two workers, a worker and the web app's deletes) commit
// optimistically: LanceDB rebases what it can and reports the rest as a commit conflict
// ("Retryable commit conflict … preempted by concurrent transaction"). Every write Cairn makes
// is idempotent (a document's chunks replaced whole, a delete by id, an index refresh that
// re-checks what is missing), so the whole operation is simply run again after a jittered backoff.
// On S3 LanceDB commits with conditional PUTs (If-None-Match), so no lock service is needed.

export interface CommitRetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Called before each retry (tests count them; the worker logs them). */
  onRetry?: (attempt: number, error: Error) => void;
}

// Up to ~40 s of waiting in all: two busy writers on object storage can collide many times running.
const DEFAULTS: CommitRetryOptions = { attempts: 14, baseMs: 50, maxMs: 5000 };

/** A conflict with a concurrent commit, which running the operation again resolves. */
export function isCommitConflict(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /commit conflict|preempted by concurrent transaction|conflicts with concurrent/i.test(m);
}

export async function withCommitRetry<T>(op: () => Promise<T>, options: Partial<CommitRetryOptions> = {}): Promise<T> {
  const o = { ...DEFAULTS, ...options };
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      if (attempt >= o.attempts || !isCommitConflict(e)) throw e;
      o.onRetry?.(attempt, e as Error);
      // Full jitter: two writers that collided pick different delays, so the next round rarely collides again.
      const cap = Math.min(o.maxMs, o.baseMs * 2 ** (attempt - 1));
      await new Promise((r) => setTimeout(r, Math.random() * cap));
    }
  }
}
