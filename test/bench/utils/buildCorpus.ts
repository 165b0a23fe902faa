// Child process: ingests the bench corpus named by argv[3] (benchCorpora.ts) into the data dir
// given as argv[2], through the real path (addUploadedFile + the worker process), and writes
// corpus.json there when every document is indexed. Its own process because config() reads
// CAIRN_DATA_DIR once. Run by ensureCorpus(); alone: node --import tsx test/bench/utils/buildCorpus.ts <dir> <corpus id>
import fs from "node:fs";
import path from "node:path";
import { testModelPaths } from "../../modelDependent/testModels";
import { startWorker, stopWorker, waitFor } from "../../modelDependent/ingest/workerHarness";
import { benchCorpus } from "./benchCorpora";

const dataDir = path.resolve(process.argv[2] ?? "");
if (!process.argv[2] || !process.argv[3]) throw new Error("usage: buildCorpus.ts <data dir> <corpus id>");
const corpus = benchCorpus(process.argv[3]);
const models = testModelPaths();
// The embedder the cache is keyed on (ensureCorpus passes it; e.g. the Q8_0 variant), else the test embedder.
if (process.env.BENCH_CORPUS_EMBEDDER) models.embedder = process.env.BENCH_CORPUS_EMBEDDER;
process.env.CAIRN_DATA_DIR = dataDir;
process.env.CAIRN_EMBED_MODEL = models.embedder;

const { openDb, closeDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { addUploadedFile } = await import("@/lib/library");
const { getDocument, listJobs } = await import("@/core/db/queries");
const { currentPrincipal } = await import("@/lib/auth");
const { sha256File, tempFilePath } = await import("@/core/files");

const db = openDb(config().dbPath);
const ids: string[] = [];
for (const f of await corpus.files()) {
  const temp = tempFilePath();
  fs.writeFileSync(temp, f.bytes);
  const { sha256, size } = await sha256File(temp);
  ids.push(addUploadedFile(currentPrincipal(), "default", { tempPath: temp, name: f.name, sha256, size }).document.id);
}

const t0 = Date.now();
const worker = startWorker({ CAIRN_DATA_DIR: dataDir, CAIRN_EMBED_MODEL: models.embedder });
let lastLog = 0;
try {
  await waitFor(
    `the ${corpus.id} corpus to be indexed`,
    () => {
      const docs = ids.map((id) => getDocument(db, id)!);
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        const jobs = ids.map((id) => listJobs(db, id).at(-1));
        const done = jobs.reduce((s, j) => s + (j?.stage === "embedding" ? j.progressDone : 0), 0);
        const indexed = docs.filter((d) => d.status === "indexed").length;
        process.stderr.write(`  ${corpus.id} corpus: ${indexed}/${docs.length} documents indexed, ${done} chunks embedded in running jobs, ${Math.round((Date.now() - t0) / 1000)} s\n`);
      }
      const failed = docs.find((d) => d.status === "failed");
      if (failed) throw new Error(`${failed.name} failed to index: ${failed.errorMessage}`);
      return docs.every((d) => d.status === "indexed") && docs;
    },
    20 * 60_000,
    worker.logs,
  ).then((docs) => {
    const summary = {
      id: corpus.id,
      version: corpus.version(),
      embedder: path.basename(models.embedder),
      builtAt: new Date().toISOString(),
      ingestSeconds: Math.round((Date.now() - t0) / 100) / 10,
      documents: docs.map((d) => ({ id: d.id, name: d.name, pages: d.pageCount, chunks: d.chunkCount })),
    };
    fs.writeFileSync(path.join(dataDir, "corpus.json"), JSON.stringify(summary, null, 2));
  });
} finally {
  await stopWorker(worker.proc);
  closeDb(config().dbPath);
}
process.exit(0);
