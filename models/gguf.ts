import { open } from "node:fs/promises";
import { readGgufFileInfo } from "node-llama-cpp";
import { CairnError } from "@/lib/errors";

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
