import { CairnError } from "@/core/errors";

// One model instance, one slot: concurrent callers wait their turn in FIFO order.
// A caller whose AbortSignal fires while still waiting leaves the queue without running.

export interface QueueRunInfo {
  /** Time spent waiting before the task started. */
  queuedMs: number;
}

interface Waiter {
  start: () => void;
  cancel: (reason: unknown) => void;
}

export function queueAbortedError(cause?: unknown): CairnError {
  return new CairnError("bad_request:model", "The request was cancelled while waiting for the model.", { reason: "aborted", cause });
}

export class ModelQueue {
  private readonly waiting: Waiter[] = [];
  private running = false;

  /** Requests waiting, not counting the one running. */
  get pending(): number {
    return this.waiting.length;
  }

  get busy(): boolean {
    return this.running;
  }

  run<T>(task: (info: QueueRunInfo) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(queueAbortedError(signal.reason));
    const enqueuedAt = performance.now();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) {
          this.waiting.splice(i, 1);
          reject(queueAbortedError(signal?.reason));
        }
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.running = true;
          const info = { queuedMs: performance.now() - enqueuedAt };
          // Promise.resolve().then() also turns a synchronous throw into a rejection.
          Promise.resolve()
            .then(() => task(info))
            .then(resolve, reject)
            .finally(() => {
              this.running = false;
              this.next();
            });
        },
        cancel: reject,
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
      this.next();
    });
  }

  private next() {
    if (this.running) return;
    const waiter = this.waiting.shift();
    waiter?.start();
  }
}
