import { float32ToFloat16Bits } from "./float16";

// ggml's Q8_0: blocks of 32 values along a row, each an f16 scale d = max|x| / 127 followed by 32
// int8 values round(x / d) — as quantize_row_q8_0_ref in ggml-quants.c, so llama.cpp reads it.
export const Q8_0_BLOCK = 32;
const BLOCK_BYTES = 2 + Q8_0_BLOCK;

/** Quantizes row-major values whose rows (the fastest dimension) are a multiple of 32 long. */
export function quantizeQ8_0(values: Float32Array): Buffer {
  if (values.length % Q8_0_BLOCK !== 0) throw new Error(`Q8_0 needs a multiple of ${Q8_0_BLOCK} values, got ${values.length}`);
  const blocks = values.length / Q8_0_BLOCK;
  const out = Buffer.alloc(blocks * BLOCK_BYTES);
  for (let b = 0; b < blocks; b++) {
    const base = b * Q8_0_BLOCK;
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(values[base + j]!));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    const o = b * BLOCK_BYTES;
    out.writeUInt16LE(float32ToFloat16Bits(d), o);
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const x = values[base + j]! * id;
      // C's roundf: halves away from zero.
      out.writeInt8(Math.sign(x) * Math.round(Math.abs(x)), o + 2 + j);
    }
  }
  return out;
}

/** The values a Q8_0 buffer stands for (tests). */
export function dequantizeQ8_0(buf: Buffer, f16ToF32: (bits: number) => number): Float32Array {
  const blocks = buf.length / BLOCK_BYTES;
  const out = new Float32Array(blocks * Q8_0_BLOCK);
  for (let b = 0; b < blocks; b++) {
    const d = f16ToF32(buf.readUInt16LE(b * BLOCK_BYTES));
    for (let j = 0; j < Q8_0_BLOCK; j++) out[b * Q8_0_BLOCK + j] = d * buf.readInt8(b * BLOCK_BYTES + 2 + j);
  }
  return out;
}
