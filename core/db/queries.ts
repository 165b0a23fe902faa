// All SQL lives here, over the schema in ./schema.ts.
import type { Db } from "./index";

export type DocumentStatus = "queued" | "parsing" | "embedding" | "indexed" | "failed";
export type JobStatus = "pending" | "running" | "done" | "failed" | "cancelled";

export interface DocumentRow {
  id: string;
  collectionId: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  kind: string | null;
  source: "upload" | "watch";
  sourcePath: string | null;
  status: DocumentStatus;
  errorCode: string | null;
  errorMessage: string | null;
  pageCount: number | null;
  pagesWithoutText: number[];
  warnings: string[];
  chunkCount: number;
  indexedSha256: string | null;
  createdAt: string;
  updatedAt: string;
  /** From the document's newest job. */
  progress?: { stage: string; done: number; total: number; status: JobStatus } | null;
}

export interface JobRow {
  id: number;
  documentId: string;
  sha256: string;
  status: JobStatus;
  stage: string;
  progressDone: number;
  progressTotal: number;
  attempts: number;
  lockedBy: string | null;
  heartbeatAt: number | null;
  error: string | null;
}

const documentColumns = `d.id, d.collection_id AS collectionId, d.name, d.sha256, d.size_bytes AS sizeBytes, d.kind,
  d.source, d.source_path AS sourcePath, d.status, d.error_code AS errorCode, d.error_message AS errorMessage,
  d.page_count AS pageCount, d.pages_without_text AS pagesWithoutText, d.warnings, d.chunk_count AS chunkCount,
  d.indexed_sha256 AS indexedSha256, d.created_at AS createdAt, d.updated_at AS updatedAt`;

type RawDocument = Omit<DocumentRow, "pagesWithoutText" | "warnings" | "progress"> & {
  pagesWithoutText: string;
  warnings: string;
  jobStage?: string | null;
  jobDone?: number | null;
  jobTotal?: number | null;
  jobStatus?: JobStatus | null;
};

function toDocument(r: RawDocument): DocumentRow {
  const { jobStage, jobDone, jobTotal, jobStatus, ...rest } = r;
  return {
    ...rest,
    pagesWithoutText: JSON.parse(r.pagesWithoutText) as number[],
    warnings: JSON.parse(r.warnings) as string[],
    progress: jobStatus ? { stage: jobStage ?? "", done: jobDone ?? 0, total: jobTotal ?? 0, status: jobStatus } : null,
  };
}

const withLatestJob = `SELECT ${documentColumns}, j.stage AS jobStage, j.progress_done AS jobDone,
  j.progress_total AS jobTotal, j.status AS jobStatus
  FROM documents d LEFT JOIN jobs j ON j.id = (SELECT MAX(id) FROM jobs WHERE document_id = d.id)`;

export function insertDocument(
  db: Db,
  d: { id: string; collectionId: string; name: string; sha256: string; sizeBytes: number; source: "upload" | "watch"; sourcePath?: string | null },
): void {
  db.prepare(
    `INSERT INTO documents (id, collection_id, name, sha256, size_bytes, source, source_path, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')`,
  ).run(d.id, d.collectionId, d.name, d.sha256, d.sizeBytes, d.source, d.sourcePath ?? null);
}

export function getDocument(db: Db, id: string): DocumentRow | undefined {
  const r = db.prepare(`${withLatestJob} WHERE d.id = ?`).get(id) as RawDocument | undefined;
  return r && toDocument(r);
}

export function findUploadBySha(db: Db, collectionId: string, sha256: string): DocumentRow | undefined {
  const r = db.prepare(`${withLatestJob} WHERE d.collection_id = ? AND d.sha256 = ? AND d.source = 'upload'`).get(collectionId, sha256) as
    | RawDocument
    | undefined;
  return r && toDocument(r);
}

export function findWatchedDocument(db: Db, sourcePath: string): DocumentRow | undefined {
  const r = db.prepare(`${withLatestJob} WHERE d.source = 'watch' AND d.source_path = ?`).get(sourcePath) as RawDocument | undefined;
  return r && toDocument(r);
}

export function listDocuments(db: Db, collectionIds: string[]): DocumentRow[] {
  if (collectionIds.length === 0) return [];
  const marks = collectionIds.map(() => "?").join(",");
  const rows = db.prepare(`${withLatestJob} WHERE d.collection_id IN (${marks}) ORDER BY d.created_at DESC, d.id`).all(...collectionIds) as RawDocument[];
  return rows.map(toDocument);
}

export function listWatchedDocuments(db: Db): DocumentRow[] {
  return (db.prepare(`${withLatestJob} WHERE d.source = 'watch'`).all() as RawDocument[]).map(toDocument);
}

export function updateDocument(
  db: Db,
  id: string,
  patch: Partial<
    Pick<
      DocumentRow,
      | "name"
      | "sha256"
      | "sizeBytes"
      | "kind"
      | "status"
      | "errorCode"
      | "errorMessage"
      | "pageCount"
      | "pagesWithoutText"
      | "warnings"
      | "chunkCount"
      | "indexedSha256"
    >
  >,
): void {
  const columns: Record<string, string> = {
    name: "name",
    sha256: "sha256",
    sizeBytes: "size_bytes",
    kind: "kind",
    status: "status",
    errorCode: "error_code",
    errorMessage: "error_message",
    pageCount: "page_count",
    pagesWithoutText: "pages_without_text",
    warnings: "warnings",
    chunkCount: "chunk_count",
    indexedSha256: "indexed_sha256",
  };
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    sets.push(`${columns[key]} = ?`);
    values.push(Array.isArray(value) ? JSON.stringify(value) : value);
  }
  if (sets.length === 0) return;
  sets.push("updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')");
  db.prepare(`UPDATE documents SET ${sets.join(", ")} WHERE id = ?`).run(...values, id);
}

export function deleteDocumentRow(db: Db, id: string): void {
  db.prepare("DELETE FROM documents WHERE id = ?").run(id);
}

/** How many documents still reference a stored file, so it is removed only when unused. */
export function countDocumentsWithSha(db: Db, sha256: string): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM documents WHERE sha256 = ?").get(sha256) as { n: number }).n;
}

// ---- jobs ----

const jobColumns = `id, document_id AS documentId, sha256, status, stage, progress_done AS progressDone,
  progress_total AS progressTotal, attempts, locked_by AS lockedBy, heartbeat_at AS heartbeatAt, error`;

export function enqueueJob(db: Db, documentId: string, sha256: string): number {
  return db.transaction(() => {
    // A newer version supersedes any job not yet finished for the same document.
    db.prepare("UPDATE jobs SET status = 'cancelled', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE document_id = ? AND status IN ('pending','running')").run(documentId);
    return Number(db.prepare("INSERT INTO jobs (document_id, sha256, status) VALUES (?, ?, 'pending')").run(documentId, sha256).lastInsertRowid);
  }).immediate();
}

/**
 * Takes the oldest pending job, or a running one whose worker stopped sending heartbeats
 * (killed mid-document), so jobs survive restarts.
 */
export function claimNextJob(db: Db, workerId: string, staleBeforeMs: number): JobRow | undefined {
  return db.transaction(() => {
    const job = db
      .prepare(
        `SELECT ${jobColumns} FROM jobs WHERE status = 'pending' OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?))
         ORDER BY id LIMIT 1`,
      )
      .get(staleBeforeMs) as JobRow | undefined;
    if (!job) return undefined;
    db.prepare(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ?, heartbeat_at = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
    ).run(workerId, Date.now(), job.id);
    return { ...job, status: "running" as const, attempts: job.attempts + 1, lockedBy: workerId };
  }).immediate();
}

/** Returns false when the job was cancelled or taken over, so the worker stops working on it. */
export function reportJobProgress(
  db: Db,
  jobId: number,
  workerId: string,
  p: { stage: string; done: number; total: number },
): boolean {
  const r = db
    .prepare(
      `UPDATE jobs SET stage = ?, progress_done = ?, progress_total = ?, heartbeat_at = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE id = ? AND status = 'running' AND locked_by = ?`,
    )
    .run(p.stage, p.done, p.total, Date.now(), jobId, workerId);
  return r.changes === 1;
}

export function finishJob(db: Db, jobId: number, status: "done" | "failed", error?: string): void {
  db.prepare(
    `UPDATE jobs SET status = ?, error = ?, stage = ?, heartbeat_at = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
  ).run(status, error ?? null, status, jobId);
}

export function getJob(db: Db, jobId: number): JobRow | undefined {
  return db.prepare(`SELECT ${jobColumns} FROM jobs WHERE id = ?`).get(jobId) as JobRow | undefined;
}

export function listJobs(db: Db, documentId: string): JobRow[] {
  return db.prepare(`SELECT ${jobColumns} FROM jobs WHERE document_id = ? ORDER BY id`).all(documentId) as JobRow[];
}

/** Every running job with the worker that holds it (`host:pid`), for recovery after a crash. */
export function listRunningJobs(db: Db): { id: number; lockedBy: string | null }[] {
  return db.prepare("SELECT id, locked_by AS lockedBy FROM jobs WHERE status = 'running'").all() as { id: number; lockedBy: string | null }[];
}

/** Puts a running job back to pending (its worker is gone); false if it is no longer running. */
export function releaseJob(db: Db, jobId: number): boolean {
  const r = db.prepare("UPDATE jobs SET status = 'pending', locked_by = NULL, heartbeat_at = NULL WHERE id = ? AND status = 'running'").run(jobId);
  return r.changes === 1;
}

// ---- users, collections, permissions ----

export type CollectionRole = "owner" | "editor" | "reader";

export function collectionsForUser(db: Db, userId: string): { id: string; name: string; role: CollectionRole }[] {
  return db
    .prepare(
      `SELECT c.id, c.name, m.role FROM collections c JOIN collection_members m ON m.collection_id = c.id WHERE m.user_id = ? ORDER BY c.name`,
    )
    .all(userId) as { id: string; name: string; role: CollectionRole }[];
}

// ---- chats ----

export interface ChatRow {
  id: string;
  userId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface ChatMessageRow {
  id: number;
  chatId: string;
  role: "user" | "assistant";
  content: string;
  metadata: unknown;
  createdAt: string;
}

export function createChat(db: Db, c: { id: string; userId: string; title: string }): void {
  db.prepare("INSERT INTO chats (id, user_id, title) VALUES (?, ?, ?)").run(c.id, c.userId, c.title);
}

export function listChats(db: Db, userId: string): ChatRow[] {
  return db
    .prepare("SELECT id, user_id AS userId, title, created_at AS createdAt, updated_at AS updatedAt FROM chats WHERE user_id = ? ORDER BY updated_at DESC")
    .all(userId) as ChatRow[];
}

/** Scoped by user: another user's chat id reads as not found. */
export function getChat(db: Db, userId: string, chatId: string): ChatRow | undefined {
  return db
    .prepare("SELECT id, user_id AS userId, title, created_at AS createdAt, updated_at AS updatedAt FROM chats WHERE id = ? AND user_id = ?")
    .get(chatId, userId) as ChatRow | undefined;
}

export function addChatMessage(db: Db, m: { chatId: string; role: "user" | "assistant"; content: string; metadata?: unknown }): number {
  return db.transaction(() => {
    const id = Number(
      db.prepare("INSERT INTO chat_messages (chat_id, role, content, metadata) VALUES (?, ?, ?, ?)").run(
        m.chatId,
        m.role,
        m.content,
        JSON.stringify(m.metadata ?? {}),
      ).lastInsertRowid,
    );
    db.prepare("UPDATE chats SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(m.chatId);
    return id;
  })();
}

export function listChatMessages(db: Db, chatId: string): ChatMessageRow[] {
  const rows = db
    .prepare("SELECT id, chat_id AS chatId, role, content, metadata, created_at AS createdAt FROM chat_messages WHERE chat_id = ? ORDER BY id")
    .all(chatId) as (Omit<ChatMessageRow, "metadata"> & { metadata: string })[];
  return rows.map((r) => ({ ...r, metadata: JSON.parse(r.metadata) }));
}
