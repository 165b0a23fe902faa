import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fixturePath, loadAnswerabilityQuestions, questionSets } from "../../utils/answerabilityQuestions";
import { loadRetrievalQuestions, renderRetrievalFiles } from "../../utils/retrievalQuestions";
import { ASK_CORPUS_VERSION, makeAskCorpus } from "./askCorpus";

// The corpora benchmarks ingest through the worker (see corpusCache.ts), by id: the child
// process that builds one (buildCorpus.ts) is given the id, not the files.

export interface BenchCorpusFile {
  name: string;
  bytes: Buffer;
}

export interface BenchCorpus {
  id: string;
  /** Part of the cache key: changes whenever the files change, so a cached corpus is rebuilt. */
  version: () => string;
  files: () => Promise<BenchCorpusFile[]>;
}

/** The fixture files the answerability questions are about (../shared/fixtures), once each, by base name. */
function answerabilityFiles(): BenchCorpusFile[] {
  const files = [...new Set(questionSets.flatMap((set) => loadAnswerabilityQuestions(set)).map((q) => q.file))].sort();
  return files.map((f) => ({ name: path.basename(f), bytes: fs.readFileSync(fixturePath(f)) }));
}

const retrievalFixtures = () => [...new Set(loadRetrievalQuestions().map((q) => q.file))].sort();

/** The retrieval corpus is rebuilt whenever the fixtures or the code that chunks and stores them change. */
function retrievalVersion(): string {
  // Pin a built corpus (its key) to compare variants while others edit the hashed files.
  if (process.env.BENCH_RETRIEVAL_VERSION) return process.env.BENCH_RETRIEVAL_VERSION;
  const hash = createHash("sha256");
  for (const f of retrievalFixtures()) hash.update(f).update("\0").update(fs.readFileSync(fixturePath(f)));
  const root = path.resolve(import.meta.dirname, "../../..");
  for (const src of ["ingest/chunk.ts", "ingest/chunkContext.ts", "ingest/processJob.ts", "ingest/parse/pdf.ts", "ingest/parse/docx.ts", "vectorstore/schema.ts", "vectorstore/storeVersion.ts", "test/utils/retrievalQuestions.ts"]) {
    const file = path.join(root, src);
    if (fs.existsSync(file)) hash.update(src).update(fs.readFileSync(file));
  }
  return hash.digest("hex").slice(0, 12);
}

export const BENCH_CORPORA = {
  ask: { id: "ask", version: () => ASK_CORPUS_VERSION, files: makeAskCorpus },
  answerability: {
    id: "answerability",
    version: () => {
      const hash = createHash("sha256");
      for (const f of answerabilityFiles()) hash.update(f.name).update("\0").update(f.bytes);
      return hash.digest("hex").slice(0, 12);
    },
    files: async () => answerabilityFiles(),
  },
  retrieval: { id: "retrieval", version: retrievalVersion, files: () => renderRetrievalFiles(retrievalFixtures()) },
} satisfies Record<string, BenchCorpus>;

export type BenchCorpusId = keyof typeof BENCH_CORPORA;

export function benchCorpus(id: string): BenchCorpus {
  if (!(id in BENCH_CORPORA)) throw new Error(`unknown bench corpus "${id}" (known: ${Object.keys(BENCH_CORPORA).join(", ")})`);
  return BENCH_CORPORA[id as BenchCorpusId];
}
