import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";

/** Streams the first `length` bytes of a file (all of it when omitted) into `hash`. */
export async function hashFileInto(filePath: string, hash: Hash, length?: number): Promise<number> {
  if (length === 0) return 0;
  let bytes = 0;
  const stream = createReadStream(filePath, length === undefined ? {} : { start: 0, end: length - 1 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return bytes;
}

/** Lower-case hex sha256 of a whole file, streamed (model files are gigabytes). */
export async function sha256File(filePath: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  const sizeBytes = await hashFileInto(filePath, hash);
  return { sha256: hash.digest("hex"), sizeBytes };
}

/** Copies `from` to `to` in one read, hashing on the way, and flushes `to` to disk. */
export async function copyFileHashed(from: string, to: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  const out = await open(to, "w");
  try {
    for await (const chunk of createReadStream(from) as AsyncIterable<Buffer>) {
      await out.write(chunk);
      hash.update(chunk);
      sizeBytes += chunk.length;
    }
    await out.sync();
  } finally {
    await out.close();
  }
  return { sha256: hash.digest("hex"), sizeBytes };
}
