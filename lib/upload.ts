import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { CairnError } from "@/core/errors";
import { sanitizeFileName } from "@/core/fileName";
import { sha256File, tempFilePath } from "@/core/files";

export interface ReceivedFile {
  tempPath: string;
  name: string;
  sha256: string;
  size: number;
}

const MAX_FILES_PER_REQUEST = 20;

/**
 * Streams a multipart upload to temp files, hashing as it goes. Nothing is held in memory;
 * a file over `maxBytes` is cut off, its temp file deleted, and the whole request refused.
 */
export async function receiveUpload(
  request: Request,
  opts: { maxBytes: number; dataDir?: string; maxFiles?: number; limitSetting?: string },
): Promise<ReceivedFile[]> {
  const maxFiles = opts.maxFiles ?? MAX_FILES_PER_REQUEST;
  const limitSetting = opts.limitSetting ?? "CAIRN_MAX_UPLOAD_MB";
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new CairnError("bad_request:upload", "Send files as multipart/form-data with one or more `file` fields.");
  }
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > opts.maxBytes * maxFiles + 1024 * 1024) {
    throw tooLarge(opts.maxBytes, limitSetting);
  }
  if (!request.body) throw new CairnError("bad_request:upload", "The upload has no body.");

  const received: ReceivedFile[] = [];
  const pending: Promise<void>[] = [];
  const outputs: fs.WriteStream[] = [];
  const tempPaths: string[] = [];
  let failure: CairnError | undefined;
  // Set once the body is piped; lets an over-limit file stop reading at once instead of draining 1 GB.
  let stopReading: (e: CairnError) => void = () => {};

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      limits: { fileSize: opts.maxBytes, files: maxFiles, fields: 20, fieldSize: 64 * 1024 },
      defParamCharset: "utf8",
    });
  } catch (cause) {
    throw new CairnError("bad_request:upload", `Malformed multipart request: ${(cause as Error).message}`, { cause });
  }

  parser.on("file", (_field, stream, info) => {
    const tempPath = tempFilePath(opts.dataDir);
    const hash = createHash("sha256");
    let size = 0;
    const out = fs.createWriteStream(tempPath);
    outputs.push(out);
    tempPaths.push(tempPath);
    stream.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    stream.on("limit", () => {
      failure ??= tooLarge(opts.maxBytes, limitSetting, info.filename);
      stopReading(failure);
    });
    pending.push(
      new Promise<void>((resolve, reject) => {
        out.on("error", reject);
        out.on("finish", () => {
          received.push({ tempPath, name: sanitizeFileName(info.filename ?? ""), sha256: hash.digest("hex"), size });
          resolve();
        });
        stream.on("error", reject);
      }),
    );
    stream.pipe(out);
  });
  parser.on("filesLimit", () => {
    failure ??= new CairnError("bad_request:upload", `At most ${maxFiles} file${maxFiles === 1 ? "" : "s"} per upload request.`);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      parser.on("close", resolve);
      parser.on("error", (e: Error) => reject(new CairnError("bad_request:upload", `Malformed upload: ${e.message}`, { cause: e })));
      const body = Readable.fromWeb(request.body as unknown as NodeWebReadableStream<Uint8Array>);
      body.on("error", (e) => reject(failure ?? new CairnError("bad_request:upload", `The upload was interrupted: ${e.message}`, { cause: e })));
      stopReading = (e) => {
        body.unpipe(parser);
        body.destroy();
        reject(e);
      };
      body.pipe(parser);
    });
    await Promise.all(pending);
  } catch (e) {
    // A write stream still opening would re-create its file after rm: wait for each to close.
    await Promise.all(outputs.map((out) => (out.closed ? undefined : new Promise<void>((r) => out.destroy().once("close", () => r())))));
    cleanup(tempPaths);
    throw e;
  }
  if (failure) {
    cleanup(tempPaths);
    throw failure;
  }
  if (received.length === 0) throw new CairnError("bad_request:upload", "The upload contained no file.");
  return received;
}

/**
 * Takes a file from the local disk (a watched folder) the way an upload arrives: copied to a
 * temp file first, then the copy hashed, so the stored bytes are exactly the hashed bytes.
 */
export async function receiveLocalFile(filePath: string, opts: { dataDir?: string } = {}): Promise<ReceivedFile> {
  const tempPath = tempFilePath(opts.dataDir);
  fs.copyFileSync(filePath, tempPath);
  try {
    const { sha256, size } = await sha256File(tempPath);
    return { tempPath, name: sanitizeFileName(path.basename(filePath)), sha256, size };
  } catch (e) {
    fs.rmSync(tempPath, { force: true });
    throw e;
  }
}

function cleanup(paths: string[]): void {
  for (const p of paths) fs.rmSync(p, { force: true });
}

function tooLarge(maxBytes: number, limitSetting: string, name?: string): CairnError {
  const mb = Math.round(maxBytes / 1024 / 1024);
  return new CairnError(
    "payload_too_large:upload",
    `${name ? `"${sanitizeFileName(name)}" is` : "The upload is"} larger than the ${mb} MB limit (${limitSetting}).`,
    { reason: "too_large" },
  );
}
