import type { CairnConfig } from "@/core/config";
import type { Db } from "@/core/db";
import {
  clearOcrResume,
  deleteKeywordPassages,
  finishJob,
  getDocument,
  getJob,
  hasOtherPendingJob,
  loadOcrResume,
  OCR_PAUSED,
  pauseJob,
  releaseJob,
  replaceKeywordPassages,
  replaceOcrPages,
  reportJobProgress,
  saveOcrResume,
  setDocumentContext,
  updateDocument,
  type JobRow,
} from "@/core/db/queries";
import { CairnError, isCairnError } from "@/core/errors";
import { storedFilePath } from "@/core/files";
import type { Embedder } from "@/models/types";
import type { VectorStore } from "@/vectorstore/VectorStore";
import type { ChunkRecord } from "@/vectorstore/types";
import { embeddingText } from "./chunk";
import { chunkFields, chunkOptions, chunkRecords } from "./chunkRecords";
import { documentContext } from "./chunkContext";
import { embedInTurns, type BulkTurns } from "./embedInTurns";
import type { ChunkDraft, OcrPageResult, ParsedDocument } from "./types";

export interface JobDeps {
  db: Db;
  cfg: CairnConfig;
  workerId: string;
  store: () => Promise<VectorStore>;
  embedder: () => Promise<Embedder>;
  /** Called between chunks while a job embeds (the worker makes newer uploads keyword-searchable meanwhile). */
  betweenChunks?: (embeddingJobId: number) => Promise<void>;
  /** Bulk turns of the compute scheduler: embedding steps aside between chunks while an answer is computed. */
  compute?: () => BulkTurns;
  /** False while no embedding model is installed: the job stops after the keyword stage and waits. */
  hasEmbedder?: () => boolean;
  parse: (
    filePath: string,
    opts: {
      declaredName: string;
      timeoutMs: number;
      maxMemoryMb: number;
      onProgress?: (p: { stage: string; done: number; total: number }) => void;
      /** Pages of this scan OCR'd in earlier turns. */
      ocrResume?: OcrPageResult[];
      /** True while other documents wait: a scan then pauses between OCR pages (ParsedDocument.ocrPaused). */
      shouldYield?: () => boolean;
    },
  ) => Promise<ParsedDocument>;
  chunk: (
    doc: ParsedDocument,
    opts: { countTokens: (t: string) => number; maxTokens: number; chunkTokens: number; overlapTokens: number; fileName?: string },
  ) => ChunkDraft[] | Promise<ChunkDraft[]>;
}

/** The stage of a job parked until an embedder is installed; its document is keyword-searchable meanwhile. */
export const WAITING_FOR_EMBEDDER = "waiting_for_embedder";
export const MAX_ATTEMPTS = 3;

/** Thrown when the job was cancelled or its document deleted while we worked. */
class Superseded extends Error {}

/**
 * parse → chunk → embed → store, reporting progress. The old chunks stay searchable until
 * the new set replaces them in one LanceDB commit, so a re-index has no gap.
 */
export async function processJob(job: JobRow, deps: JobDeps): Promise<"done" | "failed" | "superseded" | "waiting" | "yielded"> {
  const { db, cfg } = deps;
  const progress = (stage: string, done: number, total: number) => {
    if (!reportJobProgress(db, job.id, deps.workerId, { stage, done, total })) throw new Superseded();
  };
  const doc = getDocument(db, job.documentId);
  if (!doc || doc.sha256 !== job.sha256) {
    finishJob(db, job.id, "failed", "superseded");
    return "superseded";
  }
  try {
    if (job.attempts > MAX_ATTEMPTS) {
      throw new CairnError("unprocessable:job", `Indexing stopped the worker ${MAX_ATTEMPTS} times; this file was set aside.`, {
        reason: "too_many_attempts",
      });
    }
    updateDocument(db, doc.id, { status: "parsing", errorCode: null, errorMessage: null });
    // A scan resuming after a pause goes on from its next page, not from "parsing 0/1".
    if (job.stage === OCR_PAUSED) progress("ocr", job.progressDone + 1, job.progressTotal);
    else progress("parsing", 0, 1);
    // Jobs this worker would claim next: a long scan yields to them between OCR pages.
    const skipStage = deps.hasEmbedder?.() === false ? WAITING_FOR_EMBEDDER : undefined;
    const parsed = await deps.parse(storedFilePath(job.sha256, cfg.filesDir), {
      declaredName: doc.name,
      timeoutMs: cfg.parseTimeoutMs,
      maxMemoryMb: cfg.parseMaxMemoryMb,
      // "reading page 3 of 12 (OCR)" in the library while a scan is read.
      onProgress: (p) => {
        if (p.stage === "ocr") progress("ocr", p.done, p.total);
      },
      ocrResume: loadOcrResume(db, doc.id, job.sha256) as OcrPageResult[],
      shouldYield: () => hasOtherPendingJob(db, job.id, { skipStage }),
    });
    if (parsed.ocrPaused) {
      // Keep this turn's pages and go to the back of the queue; the next turn starts where this one stopped.
      const { read, pending, total } = parsed.ocrPaused;
      saveOcrResume(db, doc.id, job.sha256, read);
      const paused = db.transaction(() => {
        if (!pauseJob(db, job.id, deps.workerId, { done: pending[0] - 1, total })) return false;
        updateDocument(db, doc.id, { status: "queued", kind: parsed.kind, pageCount: parsed.pageCount });
        return true;
      })();
      return paused ? "yielded" : "superseded";
    }
    updateDocument(db, doc.id, {
      kind: parsed.kind,
      pageCount: parsed.pageCount,
      pagesWithoutText: parsed.pagesWithoutText,
      warnings: parsed.warnings,
    });
    replaceOcrPages(
      db,
      doc.id,
      job.sha256,
      parsed.pages.flatMap((p) => (p.ocr && p.number !== null ? [{ page: p.number, ...p.ocr }] : [])),
    );
    progress("parsing", 1, 1);

    const embedder = deps.hasEmbedder?.() === false ? null : await deps.embedder();
    // Without an embedder, keyword passages are sized roughly and re-chunked when it arrives.
    const drafts = await deps.chunk(parsed, chunkOptions(cfg, embedder, doc.name));
    if (drafts.length === 0) {
      throw new CairnError("unprocessable:parse", noTextMessage(parsed), { reason: "no_text" });
    }

    // Keyword-searchable now, while the vectors are computed (or until an embedder exists).
    replaceKeywordPassages(db, doc.id, keywordRows(doc, job.sha256, drafts));
    if (!embedder) {
      progress(WAITING_FOR_EMBEDDER, 0, drafts.length);
      db.transaction(() => {
        updateDocument(db, doc.id, { status: "queued" });
        releaseJob(db, job.id);
      })();
      return "waiting";
    }

    updateDocument(db, doc.id, { status: "embedding" });
    progress("embedding", 0, drafts.length);
    const texts = drafts.map(embeddingText);
    // A re-index embeds only passages whose text changed: the others' vectors are in the store.
    const known = doc.indexedSha256 ? await storedVectors(deps, doc.id) : new Map<string, Float32Array>();
    const todo = texts.flatMap((t, i) => (known.has(t) ? [] : [i]));
    const reused = texts.length - todo.length;
    const fresh = await embedInTurns(
      embedder,
      todo.map((i) => texts[i]!),
      { turns: deps.compute, between: deps.betweenChunks && (() => deps.betweenChunks!(job.id)), onProgress: (done) => progress("embedding", reused + done, drafts.length) },
    );
    const vectors = texts.map((t) => known.get(t));
    todo.forEach((i, k) => (vectors[i] = fresh[k]));
    if (reused > 0) console.log(`re-index of ${doc.name}: ${reused} of ${texts.length} passages unchanged, their vectors kept`);

    const records: ChunkRecord[] = chunkRecords(doc, job.sha256, drafts, vectors);
    progress("storing", 0, 1);
    const store = await deps.store();
    await store.replaceDocumentChunks(doc.id, records);
    // Deleted while we embedded: the delete already ran, so remove what we just wrote.
    if (!getDocument(db, doc.id)) {
      await store.deleteDocument(doc.id);
      throw new Superseded();
    }
    // Fold the new rows into the full-text index now: keyword ranking is only right over indexed rows.
    await store.ensureIndexes();
    db.transaction(() => {
      updateDocument(db, doc.id, { status: "indexed", chunkCount: records.length, indexedSha256: job.sha256 });
      setDocumentContext(db, doc.id, documentContext(parsed, doc.name));
      // The vector store has the passages now, searchable both ways.
      deleteKeywordPassages(db, doc.id);
      clearOcrResume(db, doc.id);
      finishJob(db, job.id, "done");
    })();
    return "done";
  } catch (e) {
    if (e instanceof Superseded) return "superseded";
    const err = isCairnError(e) ? e : new CairnError("internal:job", (e as Error)?.message ?? String(e), { cause: e });
    if (err.type === "internal" || err.type === "unavailable") console.error(`job ${job.id} (${doc.name}):`, e);
    if (getDocument(db, doc.id)?.sha256 === job.sha256) {
      updateDocument(db, doc.id, {
        status: "failed",
        errorCode: err.reason ?? err.code,
        errorMessage: err.type === "internal" ? `Indexing failed unexpectedly: ${err.message}` : err.message,
      });
    }
    finishJob(db, job.id, "failed", err.message);
    return "failed";
  }
}

/**
 * Makes a waiting job's document keyword-searchable without taking the job: parse, chunk, keyword
 * passages — what processJob does first — while another job still embeds, so a new upload is
 * searchable in seconds, not after the long document ahead of it. The job stays pending and runs
 * in full later (parsing again: cheap next to embedding). A scan is left alone: its OCR is the
 * slow part and has its own turns. False when nothing was written.
 */
export async function keywordPrepass(job: JobRow, deps: JobDeps): Promise<boolean> {
  const { db, cfg } = deps;
  const doc = getDocument(db, job.documentId);
  if (!doc || doc.sha256 !== job.sha256) return false;
  const parsed = await deps.parse(storedFilePath(job.sha256, cfg.filesDir), {
    declaredName: doc.name,
    timeoutMs: cfg.parseTimeoutMs,
    maxMemoryMb: cfg.parseMaxMemoryMb,
    shouldYield: () => true,
  });
  if (parsed.ocrPaused || parsed.pages.some((p) => p.ocr)) return false;
  const embedder = deps.hasEmbedder?.() === false ? null : await deps.embedder();
  const drafts = await deps.chunk(parsed, chunkOptions(cfg, embedder, doc.name));
  // Taken or re-uploaded meanwhile: its own run writes the passages.
  const now = getDocument(db, doc.id);
  if (drafts.length === 0 || !now || now.sha256 !== job.sha256 || getJob(db, job.id)?.status !== "pending") return false;
  replaceKeywordPassages(db, doc.id, keywordRows(doc, job.sha256, drafts));
  return true;
}

const keywordRows = (doc: { id: string; collectionId: string }, sha256: string, drafts: ChunkDraft[]) =>
  drafts.map((d) => ({ id: `${doc.id}:kw:${d.ordinal}`, ...chunkFields(doc, sha256, d), context: d.context }));

/** Vectors already stored for a document, by the text they embed (empty when the store cannot say). */
async function storedVectors(deps: JobDeps, documentId: string): Promise<Map<string, Float32Array>> {
  try {
    const chunks = await (await deps.store()).getChunks(documentId);
    return new Map(chunks.map((c) => [embeddingText({ text: c.text, context: c.context ?? "" }), c.vector]));
  } catch (e) {
    console.warn(`re-index of ${documentId}: could not read its stored vectors, embedding every passage:`, (e as Error).message);
    return new Map();
  }
}

/** Why a document ended without any text, in the user's words. */
function noTextMessage(parsed: ParsedDocument): string {
  const n = parsed.pagesWithoutText.length;
  if (n === 0) return "The document contains no text to index.";
  const all = n === 1 ? "its only page" : `all ${n} pages`;
  if (parsed.garbledPages?.length === n && parsed.ocr !== "on") {
    return `No text could be extracted: the text layer of ${all} is unreadable (fonts without a Unicode map), and OCR is turned off (CAIRN_OCR=off).`;
  }
  if (parsed.ocr === "on") {
    if (parsed.blankPages?.length === n) return `No text could be extracted: ${all} ${n === 1 ? "is" : "are"} blank (OCR found no text on the page image).`;
    return `No text could be extracted: OCR found no readable text on ${all} (see the warnings).`;
  }
  return `No text could be extracted: ${all} ${n === 1 ? "has" : "have"} no text layer (scanned or blank), and OCR is turned off (CAIRN_OCR=off).`;
}
