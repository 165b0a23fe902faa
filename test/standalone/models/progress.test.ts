import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { DownloadProgress } from "@/models/download";
import { createProgressReporter, formatBytes, formatDuration, renderProgressLine } from "@/models/progress";

function sink(isTTY: boolean) {
  let text = "";
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        text += chunk;
        done();
      },
    }),
    { isTTY, columns: 100 },
  );
  return { stream, text: () => text };
}

const TOTAL = 1_117_320_736;
const at = (downloadedBytes: number, extra: Partial<DownloadProgress> = {}): DownloadProgress => ({
  downloadedBytes,
  totalBytes: TOTAL,
  bytesPerSecond: 12_300_000,
  resumedFromBytes: 0,
  ...extra,
});

describe("progress reporter", () => {
  it("renders percent, MB, MB/s and ETA", () => {
    const line = renderProgressLine("qwen", at(470_000_000), 100);
    expect(line).toMatch(/^qwen \[#+-+\] {2}42\.1% {2}470\.0\/1\.12 GB {2}12\.3 MB\/s {2}ETA 0:53$/);
    expect(renderProgressLine("x", at(5_000_000, { totalBytes: null, bytesPerSecond: 0 }))).toBe("x 5.0 MB  0.0 MB/s  ETA --:--");
    expect(formatDuration(3725)).toBe("1:02:05");
    expect(formatBytes(67_308_128)).toBe("67.3 MB");
  });

  it("logs about ten plain lines, not thousands, when output is not a terminal", () => {
    const out = sink(false);
    const reporter = createProgressReporter({ label: "qwen", stream: out.stream });
    for (let i = 0; i <= 2000; i++) reporter.update(at(Math.floor((TOTAL * i) / 2000), { resumedFromBytes: 1000 }));
    reporter.done("Installed qwen");
    const lines = out.text().trim().split("\n");
    expect(out.text()).not.toContain("\r");
    expect(lines[0]).toBe("qwen: resuming from 1.0 kB");
    expect(lines.length).toBeGreaterThanOrEqual(11);
    expect(lines.length).toBeLessThanOrEqual(13);
    expect(lines.at(-2)).toContain("100.0%");
    expect(lines.at(-1)).toBe("Installed qwen");
  });

  it("redraws one line on a terminal and ends it with the final message", () => {
    const out = sink(true);
    const reporter = createProgressReporter({ label: "bge", stream: out.stream });
    reporter.update(at(0));
    reporter.update(at(TOTAL));
    reporter.done("Installed bge");
    const text = out.text();
    expect(text.startsWith("\r\x1b[2Kbge [")).toBe(true);
    expect(text).toContain("100.0%");
    expect(text.endsWith("\r\x1b[2KInstalled bge\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(2);
  });

  it("ends a drawn bar's line when the download fails, so the error starts on its own line", () => {
    const out = sink(true);
    const reporter = createProgressReporter({ label: "bge", stream: out.stream });
    reporter.update(at(TOTAL / 2));
    reporter.interrupt();
    expect(out.text().endsWith("\n")).toBe(true);
    const quiet = sink(true);
    createProgressReporter({ label: "bge", stream: quiet.stream }).interrupt();
    expect(quiet.text()).toBe("");
  });
});
