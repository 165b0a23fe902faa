// The ingestion worker: its own process beside the web app (npm start runs both).
// Jobs live in SQLite, so a killed worker picks up where it stopped.
import os from "node:os";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { claimNextJob, heartbeatJob } from "@/core/db/queries";
import { isCairnError } from "@/core/errors";
import { addWatchedFile, removeWatchedFile, watchedFilePaths } from "@/lib/library";
import { getVectorStore } from "@/lib/store";
import { getBulkEmbedder } from "@/models";
import { computeScheduler } from "@/models/computeScheduler";
import { loadEmbedder } from "@/models/embedder";
import { readGgufSummary } from "@/models/gguf";
import { resolveModelFile } from "@/models/registry";
import { openVectorStore } from "@/vectorstore/openVectorStore";
import { chunkDocument } from "./chunk";
import { closeParserPool, parseFile, warmParserPool } from "./parse";
import { keywordFirst } from "./keywordFirst";
import { processJob, WAITING_FOR_EMBEDDER, type JobDeps } from "./processJob";
import { reembedStep, type ReembedDeps } from "./reembed";
import { releaseOrphanedJobs } from "./recovery";
import { startWatching, type WatchHandlers } from "./watch";

const cfg = config();
const db = openDb(cfg.dbPath);
const workerId = `${os.hostname()}:${process.pid}`;
// A job whose worker stopped heartbeating this long ago (SIGKILL, machine lost) is claimed by another.
const HEARTBEAT_STALE_MS = cfg.jobLeaseMs;

/** A setting naming a missing file counts as no embedder: jobs wait instead of failing. */
function embedderInstalled(): boolean {
  // A remote embedder (CAIRN_EMBED_URL) needs no file; a server that does not answer fails the job with its error.
  if (cfg.embedUrl) return true;
  try {
    return resolveModelFile("embedder") !== null;
  } catch (e) {
    if (isCairnError(e)) return false;
    throw e;
  }
}

/** Bulk turns for a local embedder; a remote one computes elsewhere. */
function compute(): JobDeps["compute"] {
  if (cfg.embedUrl || !cfg.computeScheduler) return undefined;
  return () => computeScheduler().bulk();
}

const deps: JobDeps = {
  db,
  cfg,
  workerId,
  store: getVectorStore,
  embedder: getBulkEmbedder,
  // Answers and query embeddings in the web process have the cores first (models/computeScheduler.ts).
  compute: compute(),
  hasEmbedder: embedderInstalled,
  // While a long document embeds, newer uploads become keyword-searchable (ingest/keywordFirst.ts).
  betweenChunks: keywordFirst(() => deps),
  parse: parseFile,
  chunk: chunkDocument,
};

const reembedDeps: ReembedDeps = {
  db,
  cfg,
  parse: parseFile,
  chunk: chunkDocument,
  loadEmbedder: (file) => loadEmbedder(file.path, { name: file.name, threads: cfg.modelThreads }),
  compute: compute(),
  openStore: async (uri, file) => {
    const dimensions = (await readGgufSummary(file.path)).embeddingLength;
    if (!dimensions) throw new Error(`${file.name} does not declare its embedding width`);
    return openVectorStore({ uri, dimensions, embeddingModel: file.name, index: { annMinRows: cfg.vectorAnnMinRows } });
  },
};

let reembedPausedUntil = 0;
function reembedFailed(e: unknown): "failed" {
  console.error("re-embed failed, retrying in a minute (search keeps the current embedder):", isCairnError(e) ? e.message : e);
  reembedPausedUntil = Date.now() + 60_000;
  return "failed";
}

let running = true;
let idleSince = Date.now();
let dirty = false;

async function loop(): Promise<void> {
  let warnedNoModel = false;
  while (running) {
    const haveEmbedder = embedderInstalled();
    if (!haveEmbedder && !warnedNoModel) {
      // Jobs are parsed and made keyword-searchable, then wait: installing an embedder later embeds them.
      console.warn("worker: no embedding model installed; documents are keyword-searchable and wait to be embedded (Models page)");
    }
    warnedNoModel = !haveEmbedder;
    const job = claimNextJob(db, workerId, Date.now() - HEARTBEAT_STALE_MS, haveEmbedder ? {} : { skipStage: WAITING_FOR_EMBEDDER });
    if (!job) {
      // Idle: move the library on to a newly chosen embedder, one document at a time.
      const step = haveEmbedder && Date.now() >= reembedPausedUntil ? await reembedStep(reembedDeps).catch(reembedFailed) : "none";
      if (step === "embedded" || step === "switched") continue;
      if (dirty && Date.now() - idleSince > 2000) await maintainIndexes();
      await sleep(cfg.workerPollMs);
      continue;
    }
    const t0 = Date.now();
    // The lease is renewed while the job runs, so one long step (a big parse, a slow batch) is not taken over.
    const lease = setInterval(() => {
      try {
        heartbeatJob(db, job.id, workerId);
      } catch (e) {
        console.error(`worker: heartbeat for job ${job.id} failed:`, isCairnError(e) ? e.message : e);
      }
    }, Math.max(250, HEARTBEAT_STALE_MS / 4));
    const outcome = await processJob(job, deps).finally(() => clearInterval(lease));
    console.log(`worker: job ${job.id} for document ${job.documentId}: ${outcome} in ${Date.now() - t0} ms`);
    if (outcome !== "waiting" && outcome !== "yielded") dirty = true;
    idleSince = Date.now();
  }
}

async function maintainIndexes(): Promise<void> {
  dirty = false;
  try {
    const report = await (await getVectorStore()).ensureIndexes();
    console.log("worker: indexes", JSON.stringify(report));
  } catch (e) {
    console.error("worker: index maintenance failed (search still works, unindexed):", isCairnError(e) ? e.message : e);
  }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

const released = releaseOrphanedJobs(db, os.hostname());
if (released > 0) console.log(`worker: resumed ${released} job(s) left by a stopped worker`);
await warmParserPool();
const watchHandlers: WatchHandlers = {
  onFile: async (file) => {
    const change = await addWatchedFile(cfg.watchCollection, file);
    if (change !== "unchanged") console.log(`watch: ${change} ${file}`);
  },
  onRemoved: async (file) => {
    if (await removeWatchedFile(file)) console.log(`watch: removed ${file}`);
  },
  knownPaths: watchedFilePaths,
};
const watcher = cfg.watchDir ? await startWatching({ dir: cfg.watchDir, handlers: watchHandlers }) : undefined;
console.log(`worker ${workerId} ready${cfg.watchDir ? `, watching ${cfg.watchDir}` : ""}`);

const stop = async () => {
  running = false;
  await watcher?.close();
  await closeParserPool();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

await loop();
