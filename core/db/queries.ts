// All SQL lives here, over the schema in ./schema.ts.
import { isPostgres, type Db } from "./index";

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

/** What a document is known by besides its name (title, parties), set when it is indexed. */
export interface DocumentContextRow {
  id: string;
  collectionId: string;
  name: string;
  title: string;
  parties: string[];
}

export function setDocumentContext(db: Db, id: string, context: { title: string; parties: string[] }): void {
  db.prepare("UPDATE documents SET context = ? WHERE id = ?").run(JSON.stringify(context), id);
}

/** Indexed documents of these collections with their title and parties (empty until indexed with them). */
export function listDocumentContexts(db: Db, collectionIds: string[]): DocumentContextRow[] {
  if (collectionIds.length === 0) return [];
  const marks = collectionIds.map(() => "?").join(",");
  const rows = db
    .prepare(`SELECT id, collection_id AS collectionId, name, context FROM documents WHERE status = 'indexed' AND collection_id IN (${marks})`)
    .all(...collectionIds) as { id: string; collectionId: string; name: string; context: string }[];
  return rows.map((r) => {
    const c = JSON.parse(r.context || "{}") as { title?: unknown; parties?: unknown };
    return {
      id: r.id,
      collectionId: r.collectionId,
      name: r.name,
      title: typeof c.title === "string" ? c.title : "",
      parties: Array.isArray(c.parties) ? c.parties.filter((p): p is string => typeof p === "string") : [],
    };
  });
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
    // A newer version supersedes any job not yet finished for the same document. In PostgreSQL the
    // document's row lock serialises two replicas enqueuing the same document (SQLite's write lock does).
    if (isPostgres(db)) db.prepare("SELECT id FROM documents WHERE id = ? FOR UPDATE").get(documentId);
    db.prepare("UPDATE jobs SET status = 'cancelled', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE document_id = ? AND status IN ('pending','running')").run(documentId);
    return (db.prepare("INSERT INTO jobs (document_id, sha256, status) VALUES (?, ?, 'pending') RETURNING id").get(documentId, sha256) as { id: number }).id;
  }).immediate();
}

/** The stage of a scan's job that stopped between OCR pages for other documents; claimed after every other pending job. */
export const OCR_PAUSED = "ocr_paused";

/**
 * Takes the oldest pending job (scans paused between OCR pages last), or a running one whose worker stopped sending heartbeats
 * (killed mid-document), so jobs survive restarts. In PostgreSQL, `FOR UPDATE SKIP LOCKED` lets
 * workers on several machines claim from one queue at once, never the same job twice.
 */
export function claimNextJob(db: Db, workerId: string, staleBeforeMs: number, opts: { skipStage?: string } = {}): JobRow | undefined {
  return db.transaction(() => {
    // skipStage: jobs parked at that stage (waiting for an embedder) are left for later.
    const job = db
      .prepare(
        `SELECT ${jobColumns} FROM jobs WHERE (status = 'pending' OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?)))
         AND stage IS NOT ? ORDER BY stage = '${OCR_PAUSED}', id LIMIT 1${isPostgres(db) ? " FOR UPDATE SKIP LOCKED" : ""}`,
      )
      .get(staleBeforeMs, opts.skipStage ?? null) as JobRow | undefined;
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

/** The lease: a worker renews its job's heartbeat while it works; false once the job is no longer its own. */
export function heartbeatJob(db: Db, jobId: number, workerId: string): boolean {
  return db.prepare("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND status = 'running' AND locked_by = ?").run(Date.now(), jobId, workerId).changes === 1;
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

/**
 * Pending jobs, other than `jobId`, of documents neither indexed nor keyword-searchable yet (oldest
 * first, not parked at `skipStages`): a worker busy embedding a long document makes them keyword-searchable first.
 */
export function pendingJobsWithoutKeywordPassages(db: Db, jobId: number, skipStages: string[], limit = 1): JobRow[] {
  const marks = skipStages.map(() => "?").join(",") || "NULL";
  return db
    .prepare(
      `SELECT ${jobColumns} FROM jobs WHERE status = 'pending' AND id != ? AND stage NOT IN (${marks})
       AND document_id IN (SELECT id FROM documents WHERE indexed_sha256 IS NULL)
       AND NOT EXISTS (SELECT 1 FROM keyword_passages k WHERE k.document_id = jobs.document_id)
       ORDER BY id LIMIT ?`,
    )
    .all(jobId, ...skipStages, limit) as JobRow[];
}

/** Whether a job other than this one waits to be claimed (a scan being OCR'd then yields to it). */
export function hasOtherPendingJob(db: Db, jobId: number, opts: { skipStage?: string } = {}): boolean {
  return !!db.prepare("SELECT 1 FROM jobs WHERE status = 'pending' AND id != ? AND stage IS NOT ? LIMIT 1").get(jobId, opts.skipStage ?? null);
}

/**
 * A running scan's job back in the queue behind the others, between two OCR pages. Its attempts
 * restart: a turn that ended by yielding did not crash the worker. False if cancelled meanwhile.
 */
export function pauseJob(db: Db, jobId: number, workerId: string, p: { done: number; total: number }): boolean {
  const r = db
    .prepare(
      `UPDATE jobs SET status = 'pending', stage = '${OCR_PAUSED}', progress_done = ?, progress_total = ?, attempts = 0, locked_by = NULL,
       heartbeat_at = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND status = 'running' AND locked_by = ?`,
    )
    .run(p.done, p.total, jobId, workerId);
  return r.changes === 1;
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
    const { id } = db
      .prepare("INSERT INTO chat_messages (chat_id, role, content, metadata) VALUES (?, ?, ?, ?) RETURNING id")
      .get(m.chatId, m.role, m.content, JSON.stringify(m.metadata ?? {})) as { id: number };
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

// ---- accounts: users, sessions, API keys, memberships, audit (issue 10) ----

export interface UserRow {
  id: string;
  name: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: string;
}

type RawUser = Omit<UserRow, "isAdmin" | "disabled"> & { isAdmin: number; disabled: number };
const userColumns = "u.id, u.name, u.is_admin AS isAdmin, u.disabled, u.created_at AS createdAt";
const toUser = (r: RawUser): UserRow => ({ ...r, isAdmin: r.isAdmin === 1, disabled: r.disabled === 1 });

export function insertUser(db: Db, u: { id: string; name: string; passwordHash: string; isAdmin: boolean }): void {
  db.prepare("INSERT INTO users (id, name, password_hash, is_admin) VALUES (?, ?, ?, ?)").run(u.id, u.name, u.passwordHash, u.isAdmin ? 1 : 0);
}

export function getUser(db: Db, id: string): UserRow | undefined {
  const r = db.prepare(`SELECT ${userColumns} FROM users u WHERE u.id = ?`).get(id) as RawUser | undefined;
  return r && toUser(r);
}

/** With the password hash, for login only. */
export function getUserLogin(db: Db, name: string): (UserRow & { passwordHash: string | null }) | undefined {
  const r = db.prepare(`SELECT ${userColumns}, u.password_hash AS passwordHash FROM users u WHERE u.name = ?`).get(name) as
    | (RawUser & { passwordHash: string | null })
    | undefined;
  return r && { ...toUser(r), passwordHash: r.passwordHash };
}

export function listUsers(db: Db): UserRow[] {
  return (db.prepare(`SELECT ${userColumns} FROM users u ORDER BY u.name`).all() as RawUser[]).map(toUser);
}

export function countActiveAdmins(db: Db): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM users WHERE is_admin = 1 AND disabled = 0 AND password_hash IS NOT NULL").get() as { n: number }).n;
}

export function updateUser(db: Db, id: string, patch: { passwordHash?: string; isAdmin?: boolean; disabled?: boolean }): void {
  if (patch.passwordHash !== undefined) db.prepare("UPDATE users SET password_hash = ? WHERE id = ?").run(patch.passwordHash, id);
  if (patch.isAdmin !== undefined) db.prepare("UPDATE users SET is_admin = ? WHERE id = ?").run(patch.isAdmin ? 1 : 0, id);
  if (patch.disabled !== undefined) db.prepare("UPDATE users SET disabled = ? WHERE id = ?").run(patch.disabled ? 1 : 0, id);
}

export function listAllCollections(db: Db): { id: string; name: string }[] {
  return db.prepare("SELECT id, name FROM collections ORDER BY name").all() as { id: string; name: string }[];
}

export function insertCollection(db: Db, c: { id: string; name: string }): void {
  db.prepare("INSERT INTO collections (id, name) VALUES (?, ?)").run(c.id, c.name);
}

export function setMembership(db: Db, collectionId: string, userId: string, role: CollectionRole): void {
  db.prepare(
    "INSERT INTO collection_members (collection_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT (collection_id, user_id) DO UPDATE SET role = excluded.role",
  ).run(collectionId, userId, role);
}

export function removeMembership(db: Db, collectionId: string, userId: string): boolean {
  return db.prepare("DELETE FROM collection_members WHERE collection_id = ? AND user_id = ?").run(collectionId, userId).changes === 1;
}

export function listMemberships(db: Db): { collectionId: string; userId: string; role: CollectionRole }[] {
  return db
    .prepare("SELECT collection_id AS collectionId, user_id AS userId, role FROM collection_members ORDER BY collection_id, user_id")
    .all() as { collectionId: string; userId: string; role: CollectionRole }[];
}

export function insertSession(db: Db, s: { tokenHash: string; userId: string; expiresAt: number }): void {
  db.prepare("INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)").run(s.tokenHash, s.userId, s.expiresAt);
}

/** The session's user, if the session exists, has not expired and the user is not disabled. */
export function getSessionUser(db: Db, tokenHash: string, now: number): UserRow | undefined {
  const r = db
    .prepare(`SELECT ${userColumns} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`)
    .get(tokenHash, now) as RawUser | undefined;
  return r && toUser(r);
}

export function deleteSession(db: Db, tokenHash: string): void {
  db.prepare("DELETE FROM sessions WHERE token_hash = ?").run(tokenHash);
}

export function deleteUserSessions(db: Db, userId: string): void {
  db.prepare("DELETE FROM sessions WHERE user_id = ?").run(userId);
}

export function deleteExpiredSessions(db: Db, now: number): void {
  db.prepare("DELETE FROM sessions WHERE expires_at <= ?").run(now);
}

export interface ApiKeyRow {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const apiKeyColumns = "id, user_id AS userId, name, created_at AS createdAt, last_used_at AS lastUsedAt, revoked_at AS revokedAt";

export function insertApiKey(db: Db, k: { id: string; userId: string; name: string; keyHash: string }): void {
  db.prepare("INSERT INTO api_keys (id, user_id, name, key_hash) VALUES (?, ?, ?, ?)").run(k.id, k.userId, k.name, k.keyHash);
}

export function listApiKeys(db: Db, userId: string): ApiKeyRow[] {
  return db.prepare(`SELECT ${apiKeyColumns} FROM api_keys WHERE user_id = ? ORDER BY created_at DESC`).all(userId) as ApiKeyRow[];
}

/** The key's user if the key is not revoked and the user not disabled; records its use. */
export function useApiKey(db: Db, keyHash: string): UserRow | undefined {
  const r = db
    .prepare(`SELECT ${userColumns}, k.id AS keyId FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ? AND k.revoked_at IS NULL AND u.disabled = 0`)
    .get(keyHash) as (RawUser & { keyId: string }) | undefined;
  if (!r) return undefined;
  db.prepare("UPDATE api_keys SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(r.keyId);
  const { keyId: _keyId, ...user } = r;
  return toUser(user);
}

/** Scoped by user: another user's key id changes nothing. */
export function revokeApiKey(db: Db, userId: string, keyId: string): boolean {
  return (
    db.prepare("UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND user_id = ? AND revoked_at IS NULL").run(keyId, userId)
      .changes === 1
  );
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  ip: string | null;
}

export function insertAudit(db: Db, a: { actor: string | null; action: string; target?: string | null; detail?: unknown; ip?: string | null }): void {
  db.prepare("INSERT INTO audit_log (actor, action, target, detail, ip) VALUES (?, ?, ?, ?, ?)").run(
    a.actor,
    a.action,
    a.target ?? null,
    JSON.stringify(a.detail ?? {}),
    a.ip ?? null,
  );
}

export function listAudit(db: Db, limit: number): AuditRow[] {
  const rows = db.prepare("SELECT id, at, actor, action, target, detail, ip FROM audit_log ORDER BY id DESC LIMIT ?").all(limit) as (Omit<AuditRow, "detail"> & {
    detail: string;
  })[];
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
}

// Whole-document task results (summaries), keyed by document version + instruction + model.
export function getTaskResult(db: Db, cacheKey: string): string | undefined {
  return (db.prepare("SELECT result FROM task_results WHERE cache_key = ?").get(cacheKey) as { result: string } | undefined)?.result;
}

export function putTaskResult(db: Db, r: { cacheKey: string; documentId: string; kind: string; result: string }): void {
  db.prepare("INSERT OR REPLACE INTO task_results (cache_key, document_id, kind, result) VALUES (?, ?, ?, ?)").run(r.cacheKey, r.documentId, r.kind, r.result);
}

// ---- keyword passages: searchable before embedded ----

export interface KeywordPassageRow {
  id: string;
  documentId: string;
  collectionId: string;
  documentSha256: string;
  ordinal: number;
  page: number | null;
  headingPath: string;
  charStart: number;
  charEnd: number;
  tokenCount: number;
  text: string;
}

/** A document's keyword passages, replaced in one transaction. `context` is searched, never quoted. */
export function replaceKeywordPassages(db: Db, documentId: string, rows: readonly (KeywordPassageRow & { context?: string })[]): void {
  const insert = db.prepare(
    `INSERT INTO keyword_passages (id, document_id, collection_id, sha256, ordinal, page, heading_path, char_start, char_end, token_count, text, context, search_text)
     VALUES (@id, @documentId, @collectionId, @documentSha256, @ordinal, @page, @headingPath, @charStart, @charEnd, @tokenCount, @text, @context, @searchText)`,
  );
  db.transaction(() => {
    db.prepare("DELETE FROM keyword_passages WHERE document_id = ?").run(documentId);
    // The same header-then-text layout as the vector store's searchText.
    for (const r of rows) insert.run({ ...r, context: r.context ?? "", searchText: r.context ? `${r.context}\n\n${r.text}` : r.text });
  })();
}

export function deleteKeywordPassages(db: Db, documentId: string): void {
  db.prepare("DELETE FROM keyword_passages WHERE document_id = ?").run(documentId);
}

/**
 * BM25 over keyword passages within `collectionIds` (the filter is in the query). `terms` are
 * plain words; each is quoted, so nothing a user types is read as FTS5 syntax. Best first.
 * PostgreSQL: any term's phrase matching the stemmed tsvector, ranked by ts_rank_cd (cover
 * density, not BM25: the same passages match, the order can differ).
 */
export function searchKeywordPassages(db: Db, terms: string[], collectionIds: string[], limit: number): (KeywordPassageRow & { score: number })[] {
  if (collectionIds.length === 0 || terms.length === 0) return [];
  if (isPostgres(db)) {
    // phraseto_tsquery reads any text as words, never as tsquery syntax.
    const query = terms.map(() => "phraseto_tsquery('english', ?)").join(" || ");
    return db
      .prepare(
        `SELECT k.id, k.document_id AS documentId, k.collection_id AS collectionId, k.sha256 AS documentSha256, k.ordinal, k.page,
          k.heading_path AS headingPath, k.char_start AS charStart, k.char_end AS charEnd, k.token_count AS tokenCount, k.text,
          ts_rank_cd(k.tsv, q.query) AS score
         FROM keyword_passages k, (SELECT ${query} AS query) q
         WHERE k.tsv @@ q.query AND k.collection_id IN (${collectionIds.map(() => "?").join(",")})
         ORDER BY score DESC, k.id LIMIT ?`,
      )
      .all(...terms, ...collectionIds, limit) as (KeywordPassageRow & { score: number })[];
  }
  const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(" OR ");
  const marks = collectionIds.map(() => "?").join(",");
  return db
    .prepare(
      `SELECT k.id, k.document_id AS documentId, k.collection_id AS collectionId, k.sha256 AS documentSha256, k.ordinal, k.page,
        k.heading_path AS headingPath, k.char_start AS charStart, k.char_end AS charEnd, k.token_count AS tokenCount, k.text,
        -bm25(keyword_passages_fts) AS score
       FROM keyword_passages_fts f JOIN keyword_passages k ON k.rowid = f.rowid
       WHERE keyword_passages_fts MATCH ? AND k.collection_id IN (${marks})
       ORDER BY bm25(keyword_passages_fts) LIMIT ?`,
    )
    .all(match, ...collectionIds, limit) as (KeywordPassageRow & { score: number })[];
}

/** Of these documents, the ones with keyword passages (searchable by keyword, not yet by meaning). */
export function keywordSearchableDocuments(db: Db, documentIds: string[]): Set<string> {
  if (documentIds.length === 0) return new Set();
  const marks = documentIds.map(() => "?").join(",");
  const rows = db.prepare(`SELECT DISTINCT document_id AS id FROM keyword_passages WHERE document_id IN (${marks})`).all(...documentIds) as { id: string }[];
  return new Set(rows.map((r) => r.id));
}

/** A document's keyword passages in order (the viewer's text before the document is embedded). */
export function listKeywordPassages(db: Db, documentId: string): KeywordPassageRow[] {
  return db
    .prepare(
      `SELECT id, document_id AS documentId, collection_id AS collectionId, sha256 AS documentSha256, ordinal, page,
        heading_path AS headingPath, char_start AS charStart, char_end AS charEnd, token_count AS tokenCount, text
       FROM keyword_passages WHERE document_id = ? ORDER BY ordinal`,
    )
    .all(documentId) as KeywordPassageRow[];
}

// OCR'd pages (issue 12)

export interface OcrPageRow {
  page: number;
  confidence: number;
  lowConfidence: boolean;
  rotation: number;
  /** Box as fractions of the rendered page, origin top left. */
  words: { text: string; start: number; end: number; conf: number; box: [number, number, number, number] }[];
}

export function replaceOcrPages(db: Db, documentId: string, sha256: string, pages: OcrPageRow[]): void {
  db.transaction(() => {
    db.prepare(`DELETE FROM ocr_pages WHERE document_id = ?`).run(documentId);
    const insert = db.prepare(
      `INSERT INTO ocr_pages (document_id, sha256, page, confidence, low_confidence, rotation, words) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const p of pages) {
      insert.run(documentId, sha256, p.page, p.confidence, p.lowConfidence ? 1 : 0, p.rotation, JSON.stringify(p.words));
    }
  })();
}

/** The OCR'd pages of a document without their words: which pages, and how sure. */
export function listOcrPages(db: Db, documentId: string): Omit<OcrPageRow, "words">[] {
  const rows = db
    .prepare(`SELECT page, confidence, low_confidence AS lowConfidence, rotation FROM ocr_pages WHERE document_id = ? ORDER BY page`)
    .all(documentId) as { page: number; confidence: number; lowConfidence: number; rotation: number }[];
  return rows.map((r) => ({ ...r, lowConfidence: r.lowConfidence === 1 }));
}

export function getOcrPage(db: Db, documentId: string, page: number): OcrPageRow | undefined {
  const r = db
    .prepare(`SELECT page, confidence, low_confidence AS lowConfidence, rotation, words FROM ocr_pages WHERE document_id = ? AND page = ?`)
    .get(documentId, page) as { page: number; confidence: number; lowConfidence: number; rotation: number; words: string } | undefined;
  return r && { ...r, lowConfidence: r.lowConfidence === 1, words: JSON.parse(r.words) as OcrPageRow["words"] };
}

// Compute leases (issue 11): interactive work (answers, query embeddings) has priority over bulk
// embedding; rows past expires_at belong to a process that stopped renewing them (killed).
export type ComputeKind = "interactive" | "bulk";

/** Takes or renews a lease until `expiresAt`. */
export function putComputeLease(db: Db, l: { id: string; kind: ComputeKind; pid: number; expiresAt: number }): void {
  db.prepare(
    "INSERT INTO compute_leases (id, kind, pid, expires_at) VALUES (@id, @kind, @pid, @expiresAt) ON CONFLICT(id) DO UPDATE SET expires_at = excluded.expires_at",
  ).run(l);
}

/** A bulk lease, granted only while no interactive lease is live (checked and taken in one transaction). */
export function tryBulkComputeLease(db: Db, l: { id: string; pid: number; now: number; expiresAt: number }): boolean {
  return db
    .transaction(() => {
      if (countComputeLeases(db, "interactive", l.now) > 0) return false;
      putComputeLease(db, { id: l.id, kind: "bulk", pid: l.pid, expiresAt: l.expiresAt });
      return true;
    })
    .immediate();
}

export function renewComputeLease(db: Db, id: string, expiresAt: number): boolean {
  return db.prepare("UPDATE compute_leases SET expires_at = ? WHERE id = ?").run(expiresAt, id).changes > 0;
}

export function dropComputeLease(db: Db, id: string): void {
  db.prepare("DELETE FROM compute_leases WHERE id = ?").run(id);
}

export function countComputeLeases(db: Db, kind: ComputeKind, now: number): number {
  return (db.prepare("SELECT COUNT(*) AS n FROM compute_leases WHERE kind = ? AND expires_at > ?").get(kind, now) as { n: number }).n;
}

/** Forgets leases that lapsed (their holders are gone). */
export function pruneComputeLeases(db: Db, now: number): number {
  return db.prepare("DELETE FROM compute_leases WHERE expires_at <= ?").run(now).changes;
}

// OCR resume state (issue 12): per page of a paused scan, what OCR made of it (opaque JSON to core).

export function saveOcrResume(db: Db, documentId: string, sha256: string, pages: readonly { page: number; outcome: unknown }[]): void {
  db.transaction(() => {
    // Only the version being read: an older version's pages are of no use.
    db.prepare("DELETE FROM ocr_resume WHERE document_id = ? AND sha256 != ?").run(documentId, sha256);
    const put = db.prepare("INSERT INTO ocr_resume (document_id, sha256, page, outcome) VALUES (?, ?, ?, ?) ON CONFLICT (document_id, sha256, page) DO UPDATE SET outcome = excluded.outcome");
    for (const p of pages) put.run(documentId, sha256, p.page, JSON.stringify(p.outcome));
  })();
}

export function loadOcrResume(db: Db, documentId: string, sha256: string): { page: number; outcome: unknown }[] {
  const rows = db.prepare("SELECT page, outcome FROM ocr_resume WHERE document_id = ? AND sha256 = ? ORDER BY page").all(documentId, sha256) as {
    page: number;
    outcome: string;
  }[];
  return rows.map((r) => ({ page: r.page, outcome: JSON.parse(r.outcome) as unknown }));
}

export function clearOcrResume(db: Db, documentId: string): void {
  db.prepare("DELETE FROM ocr_resume WHERE document_id = ?").run(documentId);
}
