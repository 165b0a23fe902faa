import { createHash } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { config, type CairnConfig } from "@/core/config";
import { CairnError } from "@/core/errors";
import { downloadUrl, getCatalogueEntry, installCommand, type CatalogueEntry } from "./catalogue";
import { withFileLock } from "./utils/fileLock";
import { hashFileInto, sha256File } from "./utils/hashFile";
import { httpStatusError, transferError } from "./utils/downloadErrors";
import { RateMeter } from "./utils/rateMeter";

export interface DownloadProgress {
  /** Bytes in the `.part` file so far, including those resumed from an earlier run. */
  downloadedBytes: number;
  /** Full file size when the server (or the catalogue) says it; null when unknown. */
  totalBytes: number | null;
  /** Recent transfer speed. */
  bytesPerSecond: number;
  /** Bytes that were already on disk when this transfer started (0 for a fresh download). */
  resumedFromBytes: number;
}

export interface DownloadOptions {
  url: string;
  destPath: string;
  /** Lower-case hex; when given, a file that does not match is deleted and the call fails. */
  expectedSha256?: string | null;
  expectedSize?: number | null;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Minimum gap between progress events; the last event is always sent. */
  progressIntervalMs?: number;
}

export interface DownloadResult {
  path: string;
  sha256: string;
  sizeBytes: number;
  resumedFromBytes: number;
  /** True when the sha256 was checked against an expected value. */
  verified: boolean;
}

/**
 * GETs `url` into `<destPath>.part`, resuming that file with a Range request when it exists,
 * hashing as it goes, and renames it into place only once size and sha256 check out.
 * Interrupted, aborted or disk-full transfers keep the `.part` file for the next call.
 */
export async function downloadFile(opts: DownloadOptions): Promise<DownloadResult> {
  const partPath = `${opts.destPath}.part`;
  await mkdir(path.dirname(opts.destPath), { recursive: true });
  let offset = await fileSize(partPath);
  if (opts.expectedSize != null && offset > opts.expectedSize) {
    await rm(partPath, { force: true }); // longer than the real file: cannot be a prefix of it
    offset = 0;
  }
  const state = { receivedBytes: offset };
  try {
    return await transfer(opts, partPath, offset, state);
  } catch (cause) {
    throw transferError(cause, { url: opts.url, partPath, receivedBytes: state.receivedBytes, aborted: opts.signal?.aborted ?? false });
  }
}

async function transfer(opts: DownloadOptions, partPath: string, offset: number, state: { receivedBytes: number }): Promise<DownloadResult> {
  const hash = createHash("sha256");
  // A resumed file is only as good as its bytes on disk, so hash them rather than trust a previous run.
  if (offset > 0) await hashFileInto(partPath, hash, offset);
  if (offset > 0 && offset === opts.expectedSize) return finish(opts, partPath, hash.digest("hex"), offset, offset);

  const response = await fetch(opts.url, {
    // identity: byte offsets and Content-Length must describe the file itself, not a gzip of it.
    headers: { "Accept-Encoding": "identity", ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}) },
    signal: opts.signal,
    redirect: "follow",
  });

  if (response.status === 416 && offset > 0) {
    await response.body?.cancel();
    const total = parseContentRange(response.headers.get("content-range"))?.total;
    if (total === offset) return finish(opts, partPath, hash.digest("hex"), offset, offset);
    await rm(partPath, { force: true }); // the part does not fit the file the server has now
    state.receivedBytes = 0;
    return transfer(opts, partPath, 0, state);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw httpStatusError(response.status, response.statusText, opts.url);
  }

  let resumedFrom = 0;
  let total: number | null;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get("content-range"));
    if (!range || range.start !== offset) {
      await response.body?.cancel();
      if (offset === 0) {
        throw new CairnError("unavailable:download", `${opts.url} answered a plain request with a partial response; cannot download from it.`, {
          reason: "bad_range",
        });
      }
      // A range we did not ask for: safest to throw the part away and start clean.
      await rm(partPath, { force: true });
      state.receivedBytes = 0;
      return transfer(opts, partPath, 0, state);
    }
    resumedFrom = offset;
    total = range.total;
  } else {
    // 200: a fresh download, or a server that ignores Range; both rewrite the part from byte 0.
    total = contentLength(response.headers.get("content-length"));
  }
  if (total !== null && opts.expectedSize != null && total !== opts.expectedSize) {
    await response.body?.cancel();
    throw new CairnError(
      "unprocessable:download",
      `Size mismatch: ${opts.url} is ${total} bytes but ${opts.expectedSize} were expected; refusing to install it.`,
      { reason: "size_mismatch" },
    );
  }
  if (!response.body) throw new CairnError("unavailable:download", `${opts.url} answered without a body.`, { reason: "empty_body" });

  const bodyHash = resumedFrom > 0 ? hash : createHash("sha256");
  state.receivedBytes = resumedFrom;
  const meter = new RateMeter();
  const interval = opts.progressIntervalMs ?? 200;
  let lastEmit = 0;
  const emit = (force: boolean) => {
    const now = Date.now();
    if (!opts.onProgress || (!force && now - lastEmit < interval)) return;
    lastEmit = now;
    opts.onProgress({
      downloadedBytes: state.receivedBytes,
      totalBytes: total ?? opts.expectedSize ?? null,
      bytesPerSecond: meter.bytesPerSecond(),
      resumedFromBytes: resumedFrom,
    });
  };

  const file = await open(partPath, resumedFrom > 0 ? "a" : "w");
  try {
    emit(true);
    for await (const chunk of Readable.fromWeb(response.body as NodeWebStream<Uint8Array>) as AsyncIterable<Buffer>) {
      await file.write(chunk);
      bodyHash.update(chunk);
      state.receivedBytes += chunk.length;
      meter.add(chunk.length);
      emit(false);
    }
    await file.sync();
  } finally {
    await file.close();
  }
  emit(true);

  const received = state.receivedBytes;
  if (total !== null && received < total) {
    throw new CairnError("unavailable:download", `Download interrupted: the server closed the connection after ${received} of ${total} bytes.`, {
      reason: "interrupted",
    });
  }
  if (total !== null && received > total) {
    await rm(partPath, { force: true });
    state.receivedBytes = 0;
    throw new CairnError("unprocessable:download", `Size mismatch: the server sent ${received} bytes but announced ${total}; the file was deleted.`, {
      reason: "size_mismatch",
    });
  }
  return finish(opts, partPath, bodyHash.digest("hex"), received, resumedFrom);
}

/** Checks size and sha256 of the finished part, then renames it into place (atomic on one filesystem). */
async function finish(opts: DownloadOptions, partPath: string, sha256: string, sizeBytes: number, resumedFromBytes: number): Promise<DownloadResult> {
  if (opts.expectedSize != null && sizeBytes !== opts.expectedSize) {
    await rm(partPath, { force: true });
    throw new CairnError(
      "unprocessable:download",
      `Size mismatch: downloaded ${sizeBytes} bytes but ${opts.expectedSize} were expected; the file was deleted.`,
      { reason: "size_mismatch" },
    );
  }
  const expected = opts.expectedSha256?.toLowerCase();
  if (expected && sha256 !== expected) {
    await rm(partPath, { force: true });
    throw new CairnError(
      "unprocessable:download",
      `Checksum mismatch for ${path.basename(opts.destPath)}: expected sha256 ${expected}, got ${sha256}. The corrupt file was deleted; run the command again.`,
      { reason: "checksum_mismatch" },
    );
  }
  await rename(partPath, opts.destPath);
  return { path: opts.destPath, sha256, sizeBytes, resumedFromBytes, verified: Boolean(expected) };
}

async function fileSize(filePath: string): Promise<number> {
  const st = await stat(filePath).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
  return st?.size ?? 0;
}

function parseContentRange(header: string | null): { start: number; total: number | null } | null {
  const m = header?.match(/^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i);
  if (!m) return null;
  return { start: m[1] === undefined ? -1 : Number(m[1]), total: m[2] === "*" ? null : Number(m[2]) };
}

function contentLength(header: string | null): number | null {
  return header && /^\d+$/.test(header) ? Number(header) : null;
}

export interface PullOptions {
  cfg?: CairnConfig;
  /** Install a model whose catalogue entry has no sha256. */
  allowUnverified?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  progressIntervalMs?: number;
}

export interface PullResult extends DownloadResult {
  name: string;
  /** The file was already in the models dir and matched; nothing was downloaded. */
  alreadyInstalled: boolean;
}

/** Downloads a catalogue model into the models dir (resuming, verifying). Accepts an entry for tests. */
export async function pullModel(nameOrEntry: string | CatalogueEntry, opts: PullOptions = {}): Promise<PullResult> {
  const cfg = opts.cfg ?? config();
  const entry = typeof nameOrEntry === "string" ? getCatalogueEntry(nameOrEntry) : nameOrEntry;
  const url = downloadUrl(entry, cfg);
  if (!url) {
    throw new CairnError("bad_request:model", `${entry.name} is a test model and is not downloaded by pull; get it with: ${installCommand(entry)}`, {
      reason: "not_pullable",
    });
  }
  if (!entry.sha256 && !opts.allowUnverified) {
    throw new CairnError(
      "bad_request:model",
      `The catalogue has no sha256 for ${entry.name}, so its download cannot be verified; pass --allow-unverified to install it anyway.`,
      { reason: "unverified" },
    );
  }
  const destPath = path.join(cfg.modelsDir, entry.fileName);
  await mkdir(cfg.modelsDir, { recursive: true });
  return withFileLock(`${destPath}.lock`, entry.name, async () => {
    if ((await fileSize(destPath)) > 0) {
      const installed = await sha256File(destPath);
      const ok = entry.sha256 ? installed.sha256 === entry.sha256 : entry.sizeBytes == null || installed.sizeBytes === entry.sizeBytes;
      if (ok) return { ...installed, path: destPath, name: entry.name, resumedFromBytes: 0, verified: Boolean(entry.sha256), alreadyInstalled: true };
      // A damaged copy is replaced, atomically, only once a good download has completed.
    }
    const result = await downloadFile({
      url,
      destPath,
      expectedSha256: entry.sha256,
      expectedSize: entry.sizeBytes,
      signal: opts.signal,
      onProgress: opts.onProgress,
      progressIntervalMs: opts.progressIntervalMs,
    });
    return { ...result, name: entry.name, alreadyInstalled: false };
  });
}
