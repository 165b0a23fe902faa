import { readFile } from "node:fs/promises";
import { CairnError } from "@/core/errors";

// Minimal safetensors reader: 8-byte little-endian header length, JSON header, raw tensor bytes.
export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: Buffer;
}

export async function readSafetensors(filePath: string): Promise<Map<string, SafetensorsTensor>> {
  const buf = await readFile(filePath);
  if (buf.length < 8) throw bad(filePath, "file is shorter than its header length field");
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen <= 0 || 8 + headerLen > buf.length) throw bad(filePath, `header length ${headerLen} is out of range`);
  const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString("utf8")) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [begin, end] = info.data_offsets;
    if (dataStart + end > buf.length || begin > end) throw bad(filePath, `tensor ${name} points outside the file`);
    tensors.set(name, { name, dtype: info.dtype, shape: info.shape, data: buf.subarray(dataStart + begin, dataStart + end) });
  }
  return tensors;
}

/** Copies an F32 tensor into an aligned Float32Array (safetensors offsets need not be 4-byte aligned). */
export function tensorAsFloat32(t: SafetensorsTensor): Float32Array {
  if (t.dtype !== "F32") throw new CairnError("unprocessable:model", `Tensor ${t.name} is ${t.dtype}; only F32 sources are supported.`, { reason: "unsupported_dtype" });
  const out = new Float32Array(t.data.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = t.data.readFloatLE(i * 4);
  return out;
}

function bad(filePath: string, detail: string): CairnError {
  return new CairnError("unprocessable:model", `${filePath} is not a valid safetensors file: ${detail}.`, { reason: "corrupt_safetensors" });
}
