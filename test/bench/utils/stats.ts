import os from "node:os";

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: number[]) => percentile(values, 50);

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/** 1, 5 and 15 minute load averages, rounded; the machine is shared, so every result carries them. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  return [round(a!, 2), round(b!, 2), round(c!, 2)];
}
