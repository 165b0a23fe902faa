import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { openVectorStore, type OpenVectorStoreOptions, type VectorStore } from "@/vectorstore";
import type { ChunkRecord } from "@/vectorstore/types";
import { rng } from "../../utils/rng";
export { rng };

/** A fresh temp folder per call, removed (with any store opened in it) after each test. */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-vs-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function tempStore(options: Partial<OpenVectorStoreOptions> = {}): Promise<VectorStore> {
  const store = await openVectorStore({ uri: options.uri ?? tempDir(), dimensions: 8, ...options });
  cleanups.push(() => store.close());
  return store;
}

export function normalize(v: ArrayLike<number>): Float32Array {
  const norm = Math.hypot(...Array.from(v));
  return Float32Array.from(v, (x) => x / norm);
}

export function randomUnitVector(dimensions: number, random: () => number): Float32Array {
  // Box–Muller gives an isotropic direction.
  const v = Array.from({ length: dimensions }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  return normalize(v);
}

/** Unit vector along axis `i` plus a little of axis `j`: hand-made "semantic" directions. */
export function axisVector(dimensions: number, i: number, j?: number, mix = 0.2): Float32Array {
  const v = new Array(dimensions).fill(0);
  v[i] = 1;
  if (j !== undefined) v[j] = mix;
  return normalize(v);
}

export function chunk(partial: Partial<ChunkRecord> & { id: string; documentId: string; vector: Float32Array }): ChunkRecord {
  return {
    collectionId: "c1",
    documentSha256: "0".repeat(64),
    ordinal: 0,
    page: null,
    headingPath: "",
    charStart: 0,
    charEnd: (partial.text ?? "text").length,
    tokenCount: 1,
    text: "text",
    context: "",
    ...partial,
  };
}

/** `count` chunks for one document with random vectors and the given text. */
export function documentChunks(
  documentId: string,
  count: number,
  options: { collectionId?: string; dimensions?: number; seed?: number; text?: (i: number) => string; version?: string } = {},
): ChunkRecord[] {
  const random = rng(options.seed ?? 1);
  return Array.from({ length: count }, (_, i) =>
    chunk({
      id: `${documentId}#${options.version ?? "v1"}#${i}`,
      documentId,
      collectionId: options.collectionId ?? "c1",
      ordinal: i,
      page: i + 1,
      text: options.text?.(i) ?? `chunk ${i} of ${documentId}`,
      vector: randomUnitVector(options.dimensions ?? 8, random),
    }),
  );
}
