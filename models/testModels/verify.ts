import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { CairnError } from "@/core/errors";

export interface ExpectedFile {
  sha256: string;
  /** Leading bytes the file must start with, e.g. "GGUF". */
  magic: string;
  size?: number;
}

export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(filePath), hash);
  return hash.digest("hex");
}

/** Checks magic bytes, size and sha256; throws a CairnError naming what is wrong. */
export async function verifyModelFile(filePath: string, expected: ExpectedFile): Promise<{ sha256: string; size: number }> {
  const info = await stat(filePath).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "ENOENT") throw new CairnError("not_found:model", `${filePath} does not exist.`, { reason: "missing", cause });
    throw cause;
  });
  const magic = Buffer.from(expected.magic, "ascii");
  const head = Buffer.alloc(magic.length);
  const fh = await open(filePath, "r");
  try {
    await fh.read(head, 0, magic.length, 0);
  } finally {
    await fh.close();
  }
  if (!head.equals(magic)) {
    throw new CairnError("unprocessable:model", `${filePath} does not start with "${expected.magic}" (found ${JSON.stringify(head.toString("latin1"))}).`, {
      reason: "bad_magic",
    });
  }
  if (expected.size !== undefined && info.size !== expected.size) {
    throw new CairnError("unprocessable:model", `${filePath} is ${info.size} bytes, expected ${expected.size}.`, { reason: "size_mismatch" });
  }
  const sha256 = await sha256File(filePath);
  if (sha256 !== expected.sha256) {
    throw new CairnError("unprocessable:model", `${filePath} has sha256 ${sha256}, expected ${expected.sha256}.`, { reason: "checksum_mismatch" });
  }
  return { sha256, size: info.size };
}
