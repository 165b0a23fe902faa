import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { CairnError } from "@/core/errors";

/**
 * Extracts the entries `pick` maps to a destination path (relative to destDir; null skips the entry).
 * Returns the written paths keyed by entry name. Destinations escaping destDir are refused.
 */
export async function extractZipEntries(
  zipPath: string,
  destDir: string,
  pick: (entryName: string) => string | null,
): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  const root = path.resolve(destDir);
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith("/")) continue;
      const rel = pick(entry.fileName);
      if (rel === null) continue;
      const dest = path.resolve(root, rel);
      if (!dest.startsWith(root + path.sep)) {
        throw new CairnError("unprocessable:model", `Refusing zip entry ${entry.fileName}: it points outside ${destDir}.`, { reason: "unsafe_zip_entry" });
      }
      await mkdir(path.dirname(dest), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(dest));
      written.set(entry.fileName, dest);
    }
  } finally {
    zip.close();
  }
  return written;
}
