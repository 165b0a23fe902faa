import { describe, expect, it } from "vitest";
import { dequantizeQ8_0, quantizeQ8_0 } from "@/models/testModels/q8_0";

// ggml's Q8_0 block layout, checked by hand on one block and by round trip on random rows.
const f16ToF32 = (h: number) => {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  return s * (1 + m / 1024) * 2 ** (e - 15);
};

describe("Q8_0 quantisation", () => {
  it("writes an f16 scale max|x|/127 then 32 int8 values per block, rounding halves away from zero", () => {
    const x = new Float32Array(32);
    x[0] = 127;
    x[1] = -63.5;
    x[2] = 0.5;
    x[3] = -127;
    const buf = quantizeQ8_0(x);
    expect(buf.length).toBe(34);
    expect(f16ToF32(buf.readUInt16LE(0))).toBe(1);
    expect([buf.readInt8(2), buf.readInt8(3), buf.readInt8(4), buf.readInt8(5), buf.readInt8(6)]).toEqual([127, -64, 1, -127, 0]);
  });

  // Half a step, plus the scale's own f16 rounding (relative 2^-11, times up to 127 steps).
  it("round-trips within half a step (and the f16 scale's rounding) per block; an all-zero block stays zero", () => {
    const n = 32 * 64;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * (1 + (i % 7)));
    x.fill(0, 0, 32);
    const y = dequantizeQ8_0(quantizeQ8_0(x), f16ToF32);
    for (let b = 0; b < n / 32; b++) {
      const block = x.subarray(b * 32, b * 32 + 32);
      const step = Math.max(...block.map(Math.abs)) / 127;
      for (let j = 0; j < 32; j++) expect(Math.abs(y[b * 32 + j]! - block[j]!)).toBeLessThanOrEqual(step * (0.5 + 127 * 2 ** -11) + 1e-12);
    }
    expect([...y.subarray(0, 32)].every((v) => v === 0)).toBe(true);
  });

  it("refuses a length that is not whole blocks", () => {
    expect(() => quantizeQ8_0(new Float32Array(33))).toThrow(/multiple of 32/);
  });
});
