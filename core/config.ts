import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { CairnError } from "./errors";

// Every setting Cairn reads, from CAIRN_* env vars, with defaults. Read once per process.
const intFrom = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const schema = z.object({
  CAIRN_DATA_DIR: z.string().default("./data"),
  CAIRN_MODELS_DIR: z.string().optional(),
  CAIRN_HOST: z.string().default("127.0.0.1"),
  CAIRN_PORT: intFrom(3000, 1),
  /** Path to a .gguf file, or a catalogue name found in the models dir. */
  CAIRN_LLM_MODEL: z.string().optional(),
  CAIRN_EMBED_MODEL: z.string().optional(),
  CAIRN_LLM_CONTEXT_SIZE: intFrom(4096, 512),
  /** Context of the whole-document session (summaries): a ~2,600-token report fits one pass; capped at the model's trained context. */
  CAIRN_SUMMARY_CONTEXT_SIZE: intFrom(8192, 512),
  /** An OpenAI-compatible server (…/v1) to generate with instead of the in-process LLM. */
  CAIRN_LLM_URL: z.url().optional(),
  CAIRN_LLM_API_KEY: z.string().optional(),
  /** The model to ask the server for; default: the first it lists (other than another Cairn's `cairn`). */
  CAIRN_LLM_REMOTE_MODEL: z.string().optional(),
  /** A remote request that sends nothing for this long fails (then retried if nothing was generated yet). */
  CAIRN_LLM_TIMEOUT_MS: intFrom(120_000, 100),
  /** A .gguf whose vocabulary counts tokens exactly for the remote LLM (only the vocabulary is loaded); unset: a safe over-estimate. */
  CAIRN_LLM_TOKENIZER: z.string().optional(),
  /** An OpenAI-compatible server (…/v1) to embed with instead of the in-process embedder. */
  CAIRN_EMBED_URL: z.url().optional(),
  CAIRN_EMBED_API_KEY: z.string().optional(),
  /** The embedding model to ask for; default: the first listed one that embeds. */
  CAIRN_EMBED_REMOTE_MODEL: z.string().optional(),
  CAIRN_EMBED_TIMEOUT_MS: intFrom(60_000, 100),
  /** Longest input the remote embedder takes, in its tokens. */
  CAIRN_EMBED_MAX_TOKENS: intFrom(512, 16),
  /** A .gguf whose vocabulary counts the remote embedder's tokens exactly (chunk sizes); unset: a safe over-estimate. */
  CAIRN_EMBED_TOKENIZER: z.string().optional(),
  /** Where `models pull` downloads from; tests point it at a local server. */
  CAIRN_HF_BASE_URL: z.string().url().default("https://huggingface.co"),
  CAIRN_TEST_MODELS_DIR: z.string().default(path.join(os.homedir(), ".cache", "cairn", "test-models")),
  CAIRN_MAX_UPLOAD_MB: intFrom(200, 1),
  /** A .gguf imported through the browser (models are far larger than documents). */
  CAIRN_MAX_MODEL_UPLOAD_MB: intFrom(8192, 1),
  CAIRN_PARSE_TIMEOUT_MS: intFrom(120_000, 1000),
  CAIRN_PARSE_MAX_MEMORY_MB: intFrom(1024, 64),
  /** OCR of PDF pages without a usable text layer; "off" where it is too slow. */
  CAIRN_OCR: z.enum(["on", "off"]).default("on"),
  /** Tesseract languages joined by "+", each installed as @tesseract.js-data/<lang>. */
  CAIRN_OCR_LANGS: z.string().regex(/^[a-z_]+(\+[a-z_]+)*$/i, "languages like eng or eng+deu").default("eng"),
  /** Mean word confidence (0–100) under which an OCR'd page is marked low-confidence. */
  CAIRN_OCR_MIN_CONFIDENCE: intFrom(60, 0),
  /** OCR'd pages a scan reads before it yields to other queued documents (then resumes where it stopped). */
  CAIRN_OCR_PAGES_PER_TURN: intFrom(3, 1),
  /** Refuse DOCX/zip whose declared uncompressed size exceeds this. */
  CAIRN_MAX_UNZIPPED_MB: intFrom(300, 1),
  CAIRN_WATCH_DIR: z.string().optional(),
  CAIRN_WATCH_COLLECTION: z.string().default("default"),
  CAIRN_CHUNK_TOKENS: intFrom(256, 32),
  CAIRN_CHUNK_OVERLAP_TOKENS: intFrom(32, 0),
  CAIRN_WORKER_POLL_MS: intFrom(500, 50),
  /** CPU threads per loaded model; 0 = all math cores. Fewer threads avoid spin-wait thrash when processes share cores. */
  CAIRN_MODEL_THREADS: intFrom(0, 0),
  /** "on": answers and query embeddings pause the worker's bulk embedding (a lease in the metadata db); "off": both compute at once. */
  CAIRN_COMPUTE_SCHEDULER: z.enum(["on", "off"]).default("on"),
  /** "auto": with the scheduler on and CAIRN_MODEL_THREADS=1, bulk embedding goes on beside an answer while the load average leaves a core for each; "always": whatever the load; "off": it always pauses. */
  CAIRN_COMPUTE_SHARE: z.enum(["auto", "always", "off"]).default("auto"),
  /** "on": the web server loads its models in the background at start, so the first question does not wait for the load. */
  CAIRN_WARM_START: z.enum(["on", "off"]).default("on"),
  /** Relevance gate for answers: vector distance (cosine) at most this counts as relevant. */
  CAIRN_ASK_MAX_VECTOR_DISTANCE: z.coerce.number().min(0).max(2).default(0.6),
  /** Relevance gate: share of the question's content words a passage must contain. */
  CAIRN_ASK_MIN_KEYWORD_COVERAGE: z.coerce.number().min(0).max(1).default(0.5),
  CAIRN_ASK_SEARCH_LIMIT: intFrom(8, 1),
  CAIRN_ASK_ANSWER_TOKENS: intFrom(512, 16),
  /** Time to first token the answer's prompt is sized to: passages are packed (and trimmed) to what the LLM evaluates in this long; 0 = off (context size only). */
  CAIRN_FIRST_TOKEN_BUDGET_MS: intFrom(2500, 0),
  /** Pins the LLM's prompt-processing speed (tokens/s) instead of measuring it, for reproducible prompts (benches); 0 = measure. */
  CAIRN_PROMPT_TOKENS_PER_SECOND: z.coerce.number().min(0).default(0),
  /** Chunks before vector search switches from exact to an ANN index (vectorstore/indexes.ts). */
  CAIRN_VECTOR_ANN_MIN_ROWS: intFrom(50_000, 256),
  /** Where the vectors live: a folder, or object storage (s3://bucket/path); default <data dir>/lancedb. */
  CAIRN_LANCEDB_URI: z.string().min(1).optional(),
  /** S3-compatible endpoint for an s3:// CAIRN_LANCEDB_URI (MinIO, Ceph, moto…); unset: AWS. */
  CAIRN_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }).optional(),
  CAIRN_S3_REGION: z.string().optional(),
  /** Unset: LanceDB reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the instance role) itself. */
  CAIRN_S3_ACCESS_KEY_ID: z.string().optional(),
  CAIRN_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** PostgreSQL for the metadata (postgres://user:pass@host:5432/db) instead of SQLite in the data dir. */
  CAIRN_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//i, "must be a postgres:// or postgresql:// URL")
    .optional(),
  /** A running job whose worker sent no heartbeat for this long is taken over by another worker (killed, machine lost). */
  CAIRN_JOB_LEASE_MS: intFrom(60_000, 1000),
  /** "on": users log in (required for a non-loopback CAIRN_HOST); "off": the single local user. */
  CAIRN_ACCOUNTS: z.enum(["on", "off"]).default("off"),
  CAIRN_SESSION_HOURS: intFrom(12, 1),
  /** Requests per minute per user (per address when logged out) with accounts on; over it, 429. */
  CAIRN_RATE_LIMIT_PER_MIN: intFrom(1200, 1),
  /** /v1 (OpenAI-compatible) requests per minute per API key (per user for a session, or the local user); over it, 429. */
  CAIRN_API_RATE_LIMIT_PER_MIN: intFrom(120, 1),
  /** Most answer tokens a /v1 chat completion may ask for (max_tokens). */
  CAIRN_API_MAX_TOKENS: intFrom(2048, 16),
  /** Origins (scheme://host:port) a browser may send state-changing requests from, besides the request's own Host. */
  CAIRN_TRUSTED_ORIGINS: z.string().default(""),
  /** Optional TLS for intranets without a reverse proxy. */
  CAIRN_TLS_CERT: z.string().optional(),
  CAIRN_TLS_KEY: z.string().optional(),
});

export type CairnConfig = {
  dataDir: string;
  filesDir: string;
  /** The SQLite file, or the PostgreSQL URL when CAIRN_DATABASE_URL is set (openDb takes either). */
  dbPath: string;
  jobLeaseMs: number;
  lancedbUri: string;
  /** LanceDB storageOptions for object storage (endpoint, region, credentials); empty for a folder. */
  lancedbStorageOptions: Record<string, string>;
  modelsDir: string;
  host: string;
  port: number;
  llmModel?: string;
  embedModel?: string;
  llmContextSize: number;
  summaryContextSize: number;
  llmUrl?: string;
  llmApiKey?: string;
  llmRemoteModel?: string;
  llmTimeoutMs: number;
  llmTokenizer?: string;
  embedUrl?: string;
  embedApiKey?: string;
  embedRemoteModel?: string;
  embedTimeoutMs: number;
  embedMaxTokens: number;
  embedTokenizer?: string;
  hfBaseUrl: string;
  testModelsDir: string;
  maxUploadBytes: number;
  maxModelUploadBytes: number;
  parseTimeoutMs: number;
  parseMaxMemoryMb: number;
  ocr: { langs: string[]; minConfidence: number; pagesPerTurn: number } | null;
  maxUnzippedBytes: number;
  watchDir?: string;
  watchCollection: string;
  chunkTokens: number;
  chunkOverlapTokens: number;
  workerPollMs: number;
  modelThreads: number;
  computeScheduler: boolean;
  computeShare: "auto" | "always" | "off";
  warmStart: boolean;
  askMaxVectorDistance: number;
  askMinKeywordCoverage: number;
  askSearchLimit: number;
  askAnswerTokens: number;
  firstTokenBudgetMs: number;
  promptTokensPerSecond: number;
  vectorAnnMinRows: number;
  accounts: boolean;
  sessionMs: number;
  rateLimitPerMin: number;
  apiRateLimitPerMin: number;
  apiMaxTokens: number;
  trustedOrigins: string[];
  tlsCert?: string;
  tlsKey?: string;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CairnConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new CairnError("bad_request:config", `Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(/*turbopackIgnore: true*/ e.CAIRN_DATA_DIR);
  return {
    dataDir,
    filesDir: path.join(dataDir, "files"),
    dbPath: e.CAIRN_DATABASE_URL ?? path.join(dataDir, "cairn.db"),
    jobLeaseMs: e.CAIRN_JOB_LEASE_MS,
    lancedbUri: lancedbUri(e.CAIRN_LANCEDB_URI, dataDir),
    lancedbStorageOptions: s3Options(e),
    modelsDir: path.resolve(/*turbopackIgnore: true*/ e.CAIRN_MODELS_DIR ?? path.join(dataDir, "models")),
    host: e.CAIRN_HOST,
    port: e.CAIRN_PORT,
    llmModel: e.CAIRN_LLM_MODEL,
    embedModel: e.CAIRN_EMBED_MODEL,
    llmContextSize: e.CAIRN_LLM_CONTEXT_SIZE,
    summaryContextSize: e.CAIRN_SUMMARY_CONTEXT_SIZE,
    llmUrl: e.CAIRN_LLM_URL?.replace(/\/+$/, ""),
    llmApiKey: e.CAIRN_LLM_API_KEY,
    llmRemoteModel: e.CAIRN_LLM_REMOTE_MODEL,
    llmTimeoutMs: e.CAIRN_LLM_TIMEOUT_MS,
    llmTokenizer: e.CAIRN_LLM_TOKENIZER ? path.resolve(/*turbopackIgnore: true*/ e.CAIRN_LLM_TOKENIZER) : undefined,
    embedUrl: e.CAIRN_EMBED_URL?.replace(/\/+$/, ""),
    embedApiKey: e.CAIRN_EMBED_API_KEY,
    embedRemoteModel: e.CAIRN_EMBED_REMOTE_MODEL,
    embedTimeoutMs: e.CAIRN_EMBED_TIMEOUT_MS,
    embedMaxTokens: e.CAIRN_EMBED_MAX_TOKENS,
    embedTokenizer: e.CAIRN_EMBED_TOKENIZER ? path.resolve(/*turbopackIgnore: true*/ e.CAIRN_EMBED_TOKENIZER) : undefined,
    hfBaseUrl: e.CAIRN_HF_BASE_URL.replace(/\/+$/, ""),
    testModelsDir: path.resolve(/*turbopackIgnore: true*/ e.CAIRN_TEST_MODELS_DIR),
    maxUploadBytes: e.CAIRN_MAX_UPLOAD_MB * 1024 * 1024,
    maxModelUploadBytes: e.CAIRN_MAX_MODEL_UPLOAD_MB * 1024 * 1024,
    parseTimeoutMs: e.CAIRN_PARSE_TIMEOUT_MS,
    parseMaxMemoryMb: e.CAIRN_PARSE_MAX_MEMORY_MB,
    ocr: e.CAIRN_OCR === "off" ? null : { langs: e.CAIRN_OCR_LANGS.split("+"), minConfidence: e.CAIRN_OCR_MIN_CONFIDENCE, pagesPerTurn: e.CAIRN_OCR_PAGES_PER_TURN },
    maxUnzippedBytes: e.CAIRN_MAX_UNZIPPED_MB * 1024 * 1024,
    watchDir: e.CAIRN_WATCH_DIR ? path.resolve(/*turbopackIgnore: true*/ e.CAIRN_WATCH_DIR) : undefined,
    watchCollection: e.CAIRN_WATCH_COLLECTION,
    chunkTokens: e.CAIRN_CHUNK_TOKENS,
    chunkOverlapTokens: e.CAIRN_CHUNK_OVERLAP_TOKENS,
    workerPollMs: e.CAIRN_WORKER_POLL_MS,
    modelThreads: e.CAIRN_MODEL_THREADS,
    computeScheduler: e.CAIRN_COMPUTE_SCHEDULER === "on",
    computeShare: e.CAIRN_COMPUTE_SHARE,
    warmStart: e.CAIRN_WARM_START === "on",
    askMaxVectorDistance: e.CAIRN_ASK_MAX_VECTOR_DISTANCE,
    askMinKeywordCoverage: e.CAIRN_ASK_MIN_KEYWORD_COVERAGE,
    askSearchLimit: e.CAIRN_ASK_SEARCH_LIMIT,
    askAnswerTokens: e.CAIRN_ASK_ANSWER_TOKENS,
    firstTokenBudgetMs: e.CAIRN_FIRST_TOKEN_BUDGET_MS,
    promptTokensPerSecond: e.CAIRN_PROMPT_TOKENS_PER_SECOND,
    vectorAnnMinRows: e.CAIRN_VECTOR_ANN_MIN_ROWS,
    accounts: e.CAIRN_ACCOUNTS === "on",
    sessionMs: e.CAIRN_SESSION_HOURS * 3600_000,
    rateLimitPerMin: e.CAIRN_RATE_LIMIT_PER_MIN,
    apiRateLimitPerMin: e.CAIRN_API_RATE_LIMIT_PER_MIN,
    apiMaxTokens: e.CAIRN_API_MAX_TOKENS,
    trustedOrigins: e.CAIRN_TRUSTED_ORIGINS.split(",").map((o) => o.trim().replace(/\/+$/, "")).filter(Boolean),
    tlsCert: e.CAIRN_TLS_CERT,
    tlsKey: e.CAIRN_TLS_KEY,
  };
}

const isUrl = (uri: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
const lancedbUri = (uri: string | undefined, dataDir: string) =>
  uri === undefined ? path.join(dataDir, "lancedb") : isUrl(uri) ? uri.replace(/\/+$/, "") : path.resolve(/*turbopackIgnore: true*/ uri);

/** LanceDB's object-store keys (docs.lancedb.com/storage/configuration); a plain-http endpoint needs allow_http. */
function s3Options(e: z.infer<typeof schema>): Record<string, string> {
  const o: Record<string, string> = {};
  if (e.CAIRN_S3_ENDPOINT) {
    o.endpoint = e.CAIRN_S3_ENDPOINT.replace(/\/+$/, "");
    if (o.endpoint.startsWith("http://")) o.allow_http = "true";
  }
  if (e.CAIRN_S3_REGION) o.region = e.CAIRN_S3_REGION;
  if (e.CAIRN_S3_ACCESS_KEY_ID) o.access_key_id = e.CAIRN_S3_ACCESS_KEY_ID;
  if (e.CAIRN_S3_SECRET_ACCESS_KEY) o.secret_access_key = e.CAIRN_S3_SECRET_ACCESS_KEY;
  return o;
}

let cached: CairnConfig | undefined;
export function config(): CairnConfig {
  cached ??= loadConfig();
  return cached;
}
