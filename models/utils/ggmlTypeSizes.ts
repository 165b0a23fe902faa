// Bytes per block and values per block of the ggml tensor types seen in common GGUF files
// (ggml's type_traits). Types missing here (the IQ family, ternary) are skipped by size checks.
const SIZES: Record<number, readonly [valuesPerBlock: number, bytesPerBlock: number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  30: [1, 2], // BF16
};

/** Bytes a tensor's data occupies, or null for a type this table does not know. */
export function ggmlTensorBytes(ggmlType: number, dimensions: readonly (number | bigint)[]): number | null {
  const size = SIZES[ggmlType];
  if (!size) return null;
  const values = dimensions.reduce<number>((n, d) => n * Number(d), 1);
  return Math.ceil(values / size[0]) * size[1];
}
