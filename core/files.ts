import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { config } from "./config";

// Raw files live under files/<sha256>: content-addressed, so the same bytes are stored once.

export function storedFilePath(sha256: string, filesDir = config().filesDir): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return path.join(filesDir, sha256);
}

export function tempFilePath(dataDir = config().dataDir): string {
  const dir = path.join(dataDir, "tmp");
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${randomUUID()}.part`);
}

/** Moves a finished temp file into the store; a second copy of the same bytes is dropped. */
export function commitToStore(tempPath: string, sha256: string, filesDir = config().filesDir): string {
  fs.mkdirSync(filesDir, { recursive: true });
  const target = storedFilePath(sha256, filesDir);
  if (fs.existsSync(target)) fs.rmSync(tempPath, { force: true });
  else fs.renameSync(tempPath, target);
  return target;
}

export async function sha256File(filePath: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(fs.createReadStream(filePath), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return { sha256: hash.digest("hex"), size };
}

export function removeStoredFile(sha256: string, filesDir = config().filesDir): void {
  fs.rmSync(storedFilePath(sha256, filesDir), { force: true });
}
