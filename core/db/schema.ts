// The metadata schema, as ordered migrations. `PRAGMA user_version` (SQLite) or the
// cairn_schema_version table (PostgreSQL) records how far a database has been migrated, so an
// older one is upgraded in place on open. A migration is SQLite DDL that PostgreSQL runs too
// (INTEGER becomes BIGINT, AUTOINCREMENT an identity, strftime-now to_char: core/db/postgres.ts),
// or a { sqlite, postgres } pair where the engines differ (full-text search).
export type Migration = string | { sqlite: string; postgres: string };

export const migrationSql = (m: Migration, engine: "sqlite" | "postgres"): string => (typeof m === "string" ? m : m[engine]);

const keywordPassagesTable = `
  CREATE TABLE keyword_passages (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    collection_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    page INTEGER,
    heading_path TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    token_count INTEGER NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX keyword_passages_document ON keyword_passages(document_id);
`;

export const migrations: Migration[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE TABLE collection_members (
    collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner','editor','reader')),
    PRIMARY KEY (collection_id, user_id)
  );
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections(id),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    kind TEXT,
    source TEXT NOT NULL CHECK (source IN ('upload','watch')),
    source_path TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued','parsing','embedding','indexed','failed')),
    error_code TEXT,
    error_message TEXT,
    page_count INTEGER,
    pages_without_text TEXT NOT NULL DEFAULT '[]',
    warnings TEXT NOT NULL DEFAULT '[]',
    chunk_count INTEGER NOT NULL DEFAULT 0,
    indexed_sha256 TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE UNIQUE INDEX documents_collection_sha ON documents(collection_id, sha256) WHERE source = 'upload';
  CREATE UNIQUE INDEX documents_watch_path ON documents(source_path) WHERE source = 'watch';
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','running','done','failed','cancelled')),
    stage TEXT NOT NULL DEFAULT 'queued',
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_by TEXT,
    heartbeat_at INTEGER,
    error TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX jobs_status ON jobs(status, id);
  CREATE TABLE chats (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE TABLE chat_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user','assistant')),
    content TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  `,
  // Accounts (issue 10): passwords (scrypt), a global admin flag, sessions and API keys stored
  // only as sha256 of their secret, and an append-only audit log.
  `
  ALTER TABLE users ADD COLUMN password_hash TEXT;
  ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    last_used_at TEXT,
    revoked_at TEXT
  );
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    actor TEXT,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    ip TEXT
  );
  `,
  `
  CREATE TABLE task_results (
    cache_key TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  );
  CREATE INDEX task_results_document ON task_results(document_id);
  `,
  // Retrieval (issue 8): what a document is known by besides its file name — its title and the
  // parties its preamble names (JSON {title, parties}), for questions that name a document.
  `
  ALTER TABLE documents ADD COLUMN context TEXT NOT NULL DEFAULT '{}';
  `,
  // Searchable before embedded (issue 15): a document's passages are keyword-searchable as soon as
  // it is parsed — before any embedder is installed, or while its vectors are computed — and are
  // dropped once its chunks are in the vector store.
  // SQLite: an FTS5 index (porter stemming) kept by triggers; PostgreSQL: a generated tsvector
  // (english: stemmed, stop words dropped) under a GIN index.
  {
    sqlite: `${keywordPassagesTable}
  CREATE VIRTUAL TABLE keyword_passages_fts USING fts5(text, content='keyword_passages', content_rowid='rowid', tokenize='porter unicode61');
  CREATE TRIGGER keyword_passages_ai AFTER INSERT ON keyword_passages BEGIN
    INSERT INTO keyword_passages_fts(rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER keyword_passages_ad AFTER DELETE ON keyword_passages BEGIN
    INSERT INTO keyword_passages_fts(keyword_passages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  `,
    postgres: `${keywordPassagesTable}
  ALTER TABLE keyword_passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED;
  CREATE INDEX keyword_passages_tsv ON keyword_passages USING GIN (tsv);
  `,
  },
  // OCR (issue 12): per OCR'd page its mean confidence and word boxes, so citations can say
  // "low-confidence OCR" and the viewer can highlight cited words on the page image.
  `
  CREATE TABLE ocr_pages (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    confidence INTEGER NOT NULL,
    low_confidence INTEGER NOT NULL,
    rotation INTEGER NOT NULL,
    words TEXT NOT NULL,
    PRIMARY KEY (document_id, page)
  );
  `,
  // Compute scheduling (issue 11): the web (interactive) and the worker (bulk) share the cores.
  // A row is a lease held while computing, renewed by a heartbeat; expires_at (epoch ms) lets a
  // killed process's lease lapse on its own.
  `
  CREATE TABLE compute_leases (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('interactive', 'bulk')),
    pid INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX compute_leases_kind ON compute_leases(kind, expires_at);
  `,
  // OCR that yields (issue 12): what each page of a scan already read turned out to be, so a
  // scan paused for other documents resumes where it stopped. Cleared when the job finishes.
  `
  CREATE TABLE ocr_resume (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (document_id, sha256, page)
  );
  `,
  // The library lists each document with its latest job (MAX(id) WHERE document_id = ?), and
  // re-queueing cancels a document's jobs: both scanned every job row without this.
  `
  CREATE INDEX jobs_document ON jobs(document_id, id);
  `,
  // Keyword passages search their chunk's context header (title, parties, section path) with the
  // text, as the vector store's BM25 does: before a document is embedded — or while no embedder
  // is installed — "the Kubient agreement's governing law" must find the Kubient passages too.
  // Rows written before this keep an empty header until their document is next processed.
  {
    sqlite: `
  ALTER TABLE keyword_passages ADD COLUMN context TEXT NOT NULL DEFAULT '';
  ALTER TABLE keyword_passages ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
  UPDATE keyword_passages SET search_text = text;
  DROP TRIGGER keyword_passages_ai;
  DROP TRIGGER keyword_passages_ad;
  DROP TABLE keyword_passages_fts;
  CREATE VIRTUAL TABLE keyword_passages_fts USING fts5(search_text, content='keyword_passages', content_rowid='rowid', tokenize='porter unicode61');
  CREATE TRIGGER keyword_passages_ai AFTER INSERT ON keyword_passages BEGIN
    INSERT INTO keyword_passages_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
  END;
  CREATE TRIGGER keyword_passages_ad AFTER DELETE ON keyword_passages BEGIN
    INSERT INTO keyword_passages_fts(keyword_passages_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
  END;
  INSERT INTO keyword_passages_fts(keyword_passages_fts) VALUES ('rebuild');
  `,
    postgres: `
  ALTER TABLE keyword_passages ADD COLUMN context TEXT NOT NULL DEFAULT '';
  ALTER TABLE keyword_passages ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
  UPDATE keyword_passages SET search_text = text;
  DROP INDEX keyword_passages_tsv;
  ALTER TABLE keyword_passages DROP COLUMN tsv;
  ALTER TABLE keyword_passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED;
  CREATE INDEX keyword_passages_tsv ON keyword_passages USING GIN (tsv);
  `,
  },
];

export const LOCAL_USER_ID = "local";
export const DEFAULT_COLLECTION_ID = "default";
