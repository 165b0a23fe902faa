import { open, stat } from "node:fs/promises";
import { readGgufFileInfo } from "node-llama-cpp";
import { CairnError } from "@/core/errors";
import { ggmlTensorBytes } from "./utils/ggmlTypeSizes";

const GGUF_MAGIC = Buffer.from("GGUF", "ascii");

/** Cheap check of the first four bytes, before handing a file to the native loader. */
export async function hasGgufMagic(filePath: string): Promise<boolean> {
  const fh = await open(filePath, "r");
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.equals(GGUF_MAGIC);
  } finally {
    await fh.close();
  }
}

export interface GgufSummary {
  architecture: string;
  name?: string;
  /** Training context length, when the file says. */
  contextLength?: number;
  /** Embedding width, when the file says. */
  embeddingLength?: number;
  fileType?: number;
}

/** Validates magic and parses the header; a file that is not a readable GGUF is a clear error. */
export async function readGgufSummary(filePath: string): Promise<GgufSummary> {
  if (!(await hasGgufMagic(filePath))) {
    throw new CairnError("bad_request:model", `${filePath} is not a GGUF model file (its first bytes are not "GGUF").`, {
      reason: "not_gguf",
    });
  }
  let info;
  try {
    info = await readGgufFileInfo(filePath, { readTensorInfo: false, logWarnings: false });
  } catch (cause) {
    throw new CairnError("bad_request:model", `${filePath} starts like a GGUF file but its header cannot be read: ${(cause as Error).message}`, {
      reason: "corrupt_gguf",
      cause,
    });
  }
  const general = info.metadata.general as { architecture?: string; name?: string; file_type?: number };
  const architecture = general.architecture ?? "unknown";
  const archMeta = (info.metadata as unknown as Record<string, Record<string, unknown>>)[architecture] ?? {};
  return {
    architecture,
    name: general.name,
    contextLength: typeof archMeta.context_length === "number" ? archMeta.context_length : undefined,
    embeddingLength: typeof archMeta.embedding_length === "number" ? archMeta.embedding_length : undefined,
    fileType: general.file_type,
  };
}

/**
 * Catches truncated files (an interrupted copy, a partial download): node-llama-cpp's header
 * reader pads a short file with zeros instead of failing, so check the header and every tensor's
 * data end against the real file size.
 */
export async function assertGgufComplete(filePath: string): Promise<{ fileBytes: number; requiredBytes: number }> {
  const { size: fileBytes } = await stat(filePath);
  await assertSaneGgufCounts(filePath);
  let info;
  try {
    info = await readGgufFileInfo(filePath, { readTensorInfo: true, logWarnings: false });
  } catch (cause) {
    throw new CairnError("bad_request:model", `${filePath} starts like a GGUF file but its header cannot be read: ${(cause as Error).message}`, {
      reason: "corrupt_gguf",
      cause,
    });
  }
  let requiredBytes = info.infoEndOffset ?? 0;
  for (const tensor of info.tensorInfo ?? []) {
    const bytes = ggmlTensorBytes(tensor.ggmlType, tensor.dimensions);
    requiredBytes = Math.max(requiredBytes, Number(tensor.fileOffset) + (bytes ?? 1));
  }
  if (requiredBytes > fileBytes) {
    throw new CairnError(
      "bad_request:model",
      `${filePath} is a truncated GGUF file: it is ${fileBytes} bytes but its header describes ${requiredBytes}. Copy or download it again.`,
      { reason: "truncated_gguf" },
    );
  }
  return { fileBytes, requiredBytes };
}

/** Version and counts must be plausible before a parser loops over them (garbage can claim 2^60 keys). */
async function assertSaneGgufCounts(filePath: string): Promise<void> {
  const fh = await open(filePath, "r");
  const buf = Buffer.alloc(24);
  try {
    await fh.read(buf, 0, 24, 0);
  } finally {
    await fh.close();
  }
  const version = buf.readUInt32LE(4);
  const tensors = buf.readBigUInt64LE(8);
  const keys = buf.readBigUInt64LE(16);
  const problem =
    !buf.subarray(0, 4).equals(GGUF_MAGIC) ? 'its first bytes are not "GGUF"'
    : version < 2 || version > 3 ? `GGUF version ${version} is not supported (2 or 3 expected)`
    : tensors > 1_000_000n || keys > 100_000n ? `its header claims ${tensors} tensors and ${keys} metadata keys`
    : null;
  if (problem) {
    throw new CairnError("bad_request:model", `${filePath} is not a usable GGUF model file: ${problem}.`, { reason: "corrupt_gguf" });
  }
}
