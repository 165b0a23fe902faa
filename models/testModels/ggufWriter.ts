import { open } from "node:fs/promises";

// Writes GGUF v3: header, key/value metadata, tensor infos, then 32-byte aligned tensor data.
// Only the value kinds the BERT converter needs.
export type GgufValue =
  | { type: "u32"; value: number }
  | { type: "i32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "string[]"; value: string[] }
  | { type: "i32[]"; value: number[] };

export interface GgufTensor {
  name: string;
  /** Row-major shape as in PyTorch/safetensors (slowest dimension first). */
  shape: number[];
  ggmlType: GgmlType;
  data: Buffer;
}

export const GGML_TYPE = { F32: 0, F16: 1, Q8_0: 8 } as const;
export type GgmlType = (typeof GGML_TYPE)[keyof typeof GGML_TYPE];

const GGUF_TYPE = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;
const ALIGNMENT = 32;

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer) {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(n: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  i32(n: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u64(n: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f32(n: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    this.push(b);
  }
  str(s: string) {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment: number) {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.push(Buffer.alloc(pad));
  }
  concat() {
    return Buffer.concat(this.chunks, this.length);
  }
}

function writeValue(sink: ByteSink, v: GgufValue) {
  switch (v.type) {
    case "u32":
      sink.u32(GGUF_TYPE.UINT32);
      return sink.u32(v.value);
    case "i32":
      sink.u32(GGUF_TYPE.INT32);
      return sink.i32(v.value);
    case "f32":
      sink.u32(GGUF_TYPE.FLOAT32);
      return sink.f32(v.value);
    case "bool":
      sink.u32(GGUF_TYPE.BOOL);
      return sink.push(Buffer.from([v.value ? 1 : 0]));
    case "string":
      sink.u32(GGUF_TYPE.STRING);
      return sink.str(v.value);
    case "string[]":
      sink.u32(GGUF_TYPE.ARRAY);
      sink.u32(GGUF_TYPE.STRING);
      sink.u64(v.value.length);
      return v.value.forEach((s) => sink.str(s));
    case "i32[]":
      sink.u32(GGUF_TYPE.ARRAY);
      sink.u32(GGUF_TYPE.INT32);
      sink.u64(v.value.length);
      return v.value.forEach((n) => sink.i32(n));
  }
}

export async function writeGguf(filePath: string, metadata: [string, GgufValue][], tensors: GgufTensor[]): Promise<void> {
  const head = new ByteSink();
  head.push(Buffer.from("GGUF", "ascii"));
  head.u32(3);
  head.u64(tensors.length);
  head.u64(metadata.length);
  for (const [key, value] of metadata) {
    head.str(key);
    writeValue(head, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    head.str(t.name);
    head.u32(t.shape.length);
    // GGUF lists dimensions fastest-first (ggml "ne"), the reverse of PyTorch's shape.
    for (const d of [...t.shape].reverse()) head.u64(d);
    head.u32(t.ggmlType);
    head.u64(offset);
    offsets.push(offset);
    offset += t.data.length;
    offset += (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
  }
  head.padTo(ALIGNMENT);

  const fh = await open(filePath, "w");
  try {
    await fh.write(head.concat());
    let written = 0;
    for (let i = 0; i < tensors.length; i++) {
      const pad = offsets[i]! - written;
      if (pad) await fh.write(Buffer.alloc(pad));
      await fh.write(tensors[i]!.data);
      written = offsets[i]! + tensors[i]!.data.length;
    }
    const tail = (ALIGNMENT - (written % ALIGNMENT)) % ALIGNMENT;
    if (tail) await fh.write(Buffer.alloc(tail));
  } finally {
    await fh.close();
  }
}
