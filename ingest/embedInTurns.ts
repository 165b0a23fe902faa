import type { Embedder } from "@/models/types";

/** The worker's side of the compute scheduler (models/computeScheduler.ts BulkLease). */
export interface BulkTurns {
  /** Waits while interactive work (an answer) has the cores; resolves with the ms it waited. */
  turn(): Promise<number>;
  /** Gives the cores back. */
  release(): void;
}

const BATCH = 16;

/**
 * Embeds texts in order; `between` runs between chunks (the cores are free then). With turns, one text at a time, taking a turn before each, so an
 * answer waits for at most one chunk before it has the cores to itself; progress every BATCH.
 */
export async function embedInTurns(
  embedder: Embedder,
  texts: string[],
  opts: { turns?: () => BulkTurns; onProgress?: (done: number) => void; between?: () => Promise<void> } = {},
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  if (!opts.turns) {
    for (let i = 0; i < texts.length; i += BATCH) {
      if (i > 0) await opts.between?.();
      out.push(...(await embedder.embed(texts.slice(i, i + BATCH))));
      opts.onProgress?.(out.length);
    }
    return out;
  }
  const turns = opts.turns();
  try {
    for (let i = 0; i < texts.length; i++) {
      if (i > 0) await opts.between?.();
      await turns.turn();
      out.push(...(await embedder.embed([texts[i]!])));
      if (out.length % BATCH === 0 || out.length === texts.length) opts.onProgress?.(out.length);
    }
  } finally {
    turns.release();
  }
  return out;
}
