import yauzl from "yauzl";
import type { Entry, ZipFile } from "yauzl";
import { CairnError } from "@/core/errors";

// Zip inspection with yauzl, before any DOCX library inflates anything: reading the
// central directory is cheap, and yauzl stops a stream the moment an entry inflates
// past the size it declared, so a lying header cannot smuggle a bomb through.

export interface ZipLimits {
  /** Refuse when the entries' declared uncompressed sizes add up to more than this. */
  maxUnzippedBytes: number;
  maxEntries: number;
  /** Refuse an entry bigger than `ratioFloorBytes` that inflates more than this many times. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const defaultZipLimits: Omit<ZipLimits, "maxUnzippedBytes"> = {
  maxEntries: 5000,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
};

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

function openZip(data: Uint8Array): Promise<ZipFile> {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
}

async function walkEntries(zip: ZipFile, onEntry: (entry: Entry) => Promise<void> | void): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: Entry) => {
      Promise.resolve(onEntry(entry)).then(() => zip.readEntry(), reject);
    });
    zip.on("end", () => resolve());
    zip.on("error", reject);
    zip.readEntry();
  });
}

function notAZip(name: string, cause: unknown): CairnError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new CairnError("unprocessable:parse", `${name} is a damaged zip/Word file and cannot be opened (${detail}).`, {
    reason: "corrupt",
    cause,
  });
}

/** Entry names and sizes from the central directory; nothing is inflated. */
export async function listZipEntries(data: Uint8Array, name: string): Promise<ZipEntryInfo[]> {
  let zip: ZipFile;
  try {
    zip = await openZip(data);
  } catch (err) {
    throw notAZip(name, err);
  }
  const entries: ZipEntryInfo[] = [];
  try {
    await walkEntries(zip, (e) => {
      entries.push({ name: e.fileName, compressedSize: e.compressedSize, uncompressedSize: e.uncompressedSize });
    });
  } catch (err) {
    throw notAZip(name, err);
  } finally {
    zip.close();
  }
  return entries;
}

function bomb(name: string, why: string): CairnError {
  return new CairnError("payload_too_large:parse", `${name} was refused: ${why}. This looks like a zip bomb.`, {
    reason: "zip_bomb",
  });
}

/** Throws `zip_bomb` unless the archive is small enough to inflate safely. */
export async function assertSafeZip(data: Uint8Array, name: string, limits: ZipLimits): Promise<void> {
  const entries = await listZipEntries(data, name);
  if (entries.length > limits.maxEntries) {
    throw bomb(name, `it holds ${entries.length} entries (the limit is ${limits.maxEntries})`);
  }
  let declared = 0;
  for (const e of entries) {
    declared += e.uncompressedSize;
    if (declared > limits.maxUnzippedBytes) {
      throw bomb(name, `it would unpack to more than ${Math.round(limits.maxUnzippedBytes / 2 ** 20)} MB`);
    }
    const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
    if (e.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxRatio) {
      throw bomb(name, `its part "${e.name}" expands ${Math.round(ratio)} times`);
    }
  }
  await verifyActualSizes(data, name);
}

/** Inflates every entry into nothing; yauzl errors as soon as one exceeds its declared size. */
async function verifyActualSizes(data: Uint8Array, name: string): Promise<void> {
  const zip = await openZip(data);
  try {
    await walkEntries(zip, async (entry) => {
      if (entry.fileName.endsWith("/")) return;
      const stream = await zip.openReadStreamPromise(entry);
      await new Promise<void>((resolve, reject) => {
        stream.on("data", () => undefined);
        stream.on("end", resolve);
        stream.on("error", reject);
      });
    });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    if (/too many bytes|size mismatch|exceed/i.test(detail)) throw bomb(name, `a part inflates beyond its declared size`);
    throw notAZip(name, err);
  } finally {
    zip.close();
  }
}
