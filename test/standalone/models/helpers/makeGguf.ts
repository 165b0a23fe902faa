// Writes a tiny but valid GGUF v3 file: a header, a few metadata pairs, and optionally one
// small F32 tensor, so import and registry tests run without any real model.
const GGUF_TYPE = { UINT32: 4, STRING: 8 } as const;

type Value = string | number;

export interface TinyGgufOptions {
  architecture?: string;
  name?: string;
  contextLength?: number;
  embeddingLength?: number;
  /** Number of f32 values in one tensor named "token_embd.weight"; 0 for none. */
  tensorValues?: number;
}

export function makeTinyGguf(opts: TinyGgufOptions = {}): Buffer {
  const arch = opts.architecture ?? "llama";
  const kv: [string, Value][] = [
    ["general.architecture", arch],
    ["general.name", opts.name ?? "tiny test model"],
    ["general.alignment", 32],
    [`${arch}.context_length`, opts.contextLength ?? 2048],
    [`${arch}.embedding_length`, opts.embeddingLength ?? 64],
  ];
  const tensorValues = opts.tensorValues ?? 8;
  const parts: Buffer[] = [Buffer.from("GGUF", "ascii"), u32(3), u64(tensorValues > 0 ? 1 : 0), u64(kv.length)];
  for (const [key, value] of kv) {
    parts.push(str(key));
    if (typeof value === "string") parts.push(u32(GGUF_TYPE.STRING), str(value));
    else parts.push(u32(GGUF_TYPE.UINT32), u32(value));
  }
  if (tensorValues > 0) {
    // name, n_dims, dims, ggml type (0 = F32), offset within the data section
    parts.push(str("token_embd.weight"), u32(1), u64(tensorValues), u32(0), u64(0));
  }
  const header = Buffer.concat(parts);
  const padded = Buffer.concat([header, Buffer.alloc((32 - (header.length % 32)) % 32)]);
  if (tensorValues === 0) return padded;
  const data = Buffer.alloc(tensorValues * 4);
  for (let i = 0; i < tensorValues; i++) data.writeFloatLE(i / tensorValues, i * 4);
  return Buffer.concat([padded, data]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function str(s: string): Buffer {
  const bytes = Buffer.from(s, "utf8");
  return Buffer.concat([u64(bytes.length), bytes]);
}
