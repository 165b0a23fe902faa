import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { audit } from "./audit";
import { assertCanRead, assertCanWrite, readableCollections, type Principal } from "./auth";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import {
  countDocumentsWithSha,
  deleteDocumentRow,
  enqueueJob,
  findUploadBySha,
  findWatchedDocument,
  getDocument,
  insertDocument,
  listDocuments,
  listWatchedDocuments,
  updateDocument,
  type DocumentRow,
} from "@/core/db/queries";
import { CairnError } from "@/core/errors";
import { commitToStore, removeStoredFile, storedFilePath } from "@/core/files";
import { keywordSearchable } from "./keywordPassages";
import { getVectorStore } from "./store";
import { receiveLocalFile, type ReceivedFile } from "./upload";

const db = () => openDb(config().dbPath);

export interface AddResult {
  document: DocumentRow;
  /** The same bytes were already in this collection: nothing new was queued. */
  duplicate: boolean;
}

/** Stores an uploaded file by its sha256 and queues it for the worker. */
export function addUploadedFile(principal: Principal, collectionId: string, file: ReceivedFile): AddResult {
  assertCanWrite(principal, collectionId);
  if (file.size === 0) {
    fs.rmSync(file.tempPath, { force: true });
    throw new CairnError("bad_request:upload", `"${file.name}" is empty (0 bytes); there is nothing to index.`, { reason: "empty" });
  }
  const existing = findUploadBySha(db(), collectionId, file.sha256);
  if (existing) {
    fs.rmSync(file.tempPath, { force: true });
    return { document: existing, duplicate: true };
  }
  const document = storeNewDocument(collectionId, file, { source: "upload" });
  audit(principal, "document.upload", document.id, { collectionId, name: file.name, sha256: file.sha256 });
  return { document, duplicate: false };
}

/**
 * Stores received bytes by their sha256, records a new document and queues it for the worker:
 * the one way a document enters the library, for uploads and watched files alike.
 */
function storeNewDocument(collectionId: string, file: ReceivedFile, origin: { source: "upload" } | { source: "watch"; sourcePath: string }): DocumentRow {
  commitToStore(file.tempPath, file.sha256);
  const id = randomUUID();
  db().transaction(() => {
    insertDocument(db(), { id, collectionId, name: file.name, sha256: file.sha256, sizeBytes: file.size, ...origin });
    enqueueJob(db(), id, file.sha256);
  })();
  return getDocument(db(), id)!;
}

export type WatchedFileChange = "new" | "changed" | "unchanged";

/**
 * A file in the watched folder appeared or changed: index it, or re-index it (the worker
 * replaces the old chunks in one step). Unchanged bytes (same sha256) do nothing.
 */
export async function addWatchedFile(collectionId: string, sourcePath: string): Promise<WatchedFileChange> {
  const file = await receiveLocalFile(sourcePath);
  const existing = findWatchedDocument(db(), sourcePath);
  if (existing && existing.sha256 === file.sha256) {
    fs.rmSync(file.tempPath, { force: true });
    return "unchanged";
  }
  if (!existing) {
    storeNewDocument(collectionId, file, { source: "watch", sourcePath });
    return "new";
  }
  commitToStore(file.tempPath, file.sha256);
  db().transaction(() => {
    updateDocument(db(), existing.id, { sha256: file.sha256, sizeBytes: file.size, status: "queued", errorCode: null, errorMessage: null });
    enqueueJob(db(), existing.id, file.sha256);
  })();
  if (countDocumentsWithSha(db(), existing.sha256) === 0) removeStoredFile(existing.sha256);
  return "changed";
}

/** A watched file was deleted: its document goes, with its chunks. False if it was never indexed. */
export async function removeWatchedFile(sourcePath: string): Promise<boolean> {
  const existing = findWatchedDocument(db(), sourcePath);
  if (!existing) return false;
  await removeDocumentEverywhere(existing);
  return true;
}

/** Source paths of every watched document, so a watcher can notice files deleted while it was stopped. */
export function watchedFilePaths(): string[] {
  return listWatchedDocuments(db()).flatMap((d) => (d.sourcePath ? [d.sourcePath] : []));
}

export type LibraryDocument = DocumentRow & {
  /** Parsed and findable by keyword, its vectors not in the store yet (no embedder, or being embedded). */
  keywordSearchable: boolean;
};

export function listLibrary(principal: Principal): LibraryDocument[] {
  const docs = listDocuments(db(), readableCollections(principal));
  const searchable = keywordSearchable(docs.filter((d) => d.status !== "indexed").map((d) => d.id));
  return docs.map((d) => ({ ...d, keywordSearchable: searchable.has(d.id) }));
}

export function getLibraryDocument(principal: Principal, documentId: string): DocumentRow {
  const doc = getDocument(db(), documentId);
  if (!doc) throw new CairnError("not_found:document", "Document not found.");
  assertCanRead(principal, doc.collectionId);
  return doc;
}

/** The original bytes, for the viewer. */
export function documentFilePath(principal: Principal, documentId: string): { path: string; document: DocumentRow } {
  const document = getLibraryDocument(principal, documentId);
  return { path: storedFilePath(document.sha256), document };
}

/** Removes chunks (vectors and full-text entries), the metadata row and, if unused, the stored file. */
export async function deleteLibraryDocument(principal: Principal, documentId: string): Promise<void> {
  const doc = getLibraryDocument(principal, documentId);
  assertCanWrite(principal, doc.collectionId);
  await removeDocumentEverywhere(doc);
  audit(principal, "document.delete", doc.id, { collectionId: doc.collectionId, name: doc.name });
}

/** Shared by the API and the folder watcher. The row goes first so a running job notices and stops. */
async function removeDocumentEverywhere(doc: DocumentRow): Promise<void> {
  deleteDocumentRow(db(), doc.id);
  const store = await getVectorStore();
  await store.deleteDocument(doc.id);
  if (countDocumentsWithSha(db(), doc.sha256) === 0) removeStoredFile(doc.sha256);
}
