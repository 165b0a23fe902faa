import { CairnError, type Surface } from "@/core/errors";

/** A 429 that says when to come back (sent as Retry-After). */
export class RateLimitedError extends CairnError {
  constructor(
    surface: Surface,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`rate_limit:${surface}`, message, { reason: "rate_limit" });
  }
}

// A fixed-window counter per key, in memory: one web process serves every request, and a
// restart forgetting counts only gives an attacker a fresh window, never access.
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit; false when the key is over its limit in the current window. */
  hit(key: string, now = Date.now()): boolean {
    const w = this.current(key, now);
    w.count++;
    return w.count <= this.limit;
  }

  /** Over the limit without counting (login checks before spending a password hash). */
  blocked(key: string, now = Date.now()): boolean {
    return this.current(key, now).count >= this.limit;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  retryAfterSeconds(key: string, now = Date.now()): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }

  private current(key: string, now: number): { start: number; count: number } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 100_000) this.sweep(now);
    }
    return w;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
