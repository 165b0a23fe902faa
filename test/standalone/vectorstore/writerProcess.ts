// One writer process for concurrentWriters.test.ts: opens the store at argv[2] (JSON options in
// argv[3]) and, for each of its documents, replaces the chunks and refreshes the indexes after
// every write, as the ingest worker does — the pattern that lost documents to commit conflicts.
import { openVectorStore } from "@/vectorstore";
import type { ChunkRecord } from "@/vectorstore/types";
import { rng } from "../../utils/rng";

// helpers.ts registers vitest hooks, so this process makes its chunks itself (same ids as documentChunks).
function documentChunks(documentId: string, count: number, o: { seed: number; version?: string; text?: (n: number) => string }): ChunkRecord[] {
  const random = rng(o.seed);
  return Array.from({ length: count }, (_, n) => {
    const v = Array.from({ length: 8 }, () => random() - 0.5);
    const norm = Math.hypot(...v);
    const text = o.text?.(n) ?? `chunk ${n} of ${documentId}`;
    return {
      id: `${documentId}#${o.version ?? "v1"}#${n}`,
      documentId,
      collectionId: "c1",
      documentSha256: "0".repeat(64),
      ordinal: n,
      page: n + 1,
      headingPath: "",
      charStart: 0,
      charEnd: text.length,
      tokenCount: 1,
      text,
      context: "",
      vector: Float32Array.from(v, (x) => x / norm),
    };
  });
}

const [uri, optionsJson, who, countArg] = process.argv.slice(2);
const storageOptions = optionsJson ? (JSON.parse(optionsJson) as Record<string, string>) : undefined;
const store = await openVectorStore({ uri: uri!, dimensions: 8, embeddingModel: "test-embedder", storageOptions });
let failed = 0;
for (let i = 0; i < Number(countArg); i++) {
  const id = `${who}-${i}`;
  try {
    await store.replaceDocumentChunks(id, documentChunks(id, 3 + (i % 4), { seed: i + 1, text: (n) => `${who} document ${i} chunk ${n}` }));
    await store.ensureIndexes();
    // A re-upload of an earlier document replaces its chunks (new ids, fewer of them).
    if (i % 5 === 4) await store.replaceDocumentChunks(`${who}-${i - 2}`, documentChunks(`${who}-${i - 2}`, 2, { seed: 99, version: "v2" }));
  } catch (e) {
    failed++;
    console.error(`${id}: ${(e as Error).message.slice(0, 300)}`);
  }
}
store.close();
console.log(JSON.stringify({ who, failed }));
