import type { DownloadProgress } from "./download";

export interface ProgressReporterOptions {
  label: string;
  /** Defaults to process.stderr, so stdout stays clean for piping. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Overrides TTY detection (tests). */
  interactive?: boolean;
  /** Non-interactive: also log at least this often (default 30 s), besides every 10 %. */
  logEveryMs?: number;
}

export interface ProgressReporter {
  update(progress: DownloadProgress): void;
  /** Ends the bar (or prints a last line) with a message. */
  done(message: string): void;
  /** Ends a drawn bar's line without a message, so an error printed next starts on its own line. */
  interrupt(): void;
}

/**
 * A one-line bar (percent, MB, MB/s, ETA) on a terminal; on a pipe or in CI, where carriage
 * returns turn into thousands of lines, a plain log line every 10 % or every `logEveryMs`.
 */
export function createProgressReporter(opts: ProgressReporterOptions): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const interactive = opts.interactive ?? Boolean(stream.isTTY);
  const logEveryMs = opts.logEveryMs ?? 30_000;
  let lastDraw = 0;
  let lastLogAt = Date.now();
  let lastBucket = -1;
  let drewBar = false;

  return {
    update(p) {
      const now = Date.now();
      if (interactive) {
        const finished = p.totalBytes !== null && p.downloadedBytes >= p.totalBytes;
        if (!finished && now - lastDraw < 100) return;
        lastDraw = now;
        const width = Math.max(40, (stream.columns ?? 80) - 1);
        stream.write(`\r\x1b[2K${renderProgressLine(opts.label, p, width)}`);
        drewBar = true;
        return;
      }
      const bucket = p.totalBytes ? Math.floor((p.downloadedBytes / p.totalBytes) * 10) : -1;
      if (bucket > lastBucket || now - lastLogAt >= logEveryMs) {
        if (lastBucket === -1 && p.resumedFromBytes > 0) stream.write(`${opts.label}: resuming from ${formatBytes(p.resumedFromBytes)}\n`);
        lastBucket = Math.max(lastBucket, bucket);
        lastLogAt = now;
        stream.write(`${renderProgressLine(opts.label, p)}\n`);
      }
    },
    done(message) {
      stream.write(interactive && drewBar ? `\r\x1b[2K${message}\n` : `${message}\n`);
      drewBar = false;
    },
    interrupt() {
      if (interactive && drewBar) stream.write("\n");
      drewBar = false;
    },
  };
}

/** `label [#####-----]  42.0%  470.0/1117.3 MB  12.3 MB/s  ETA 0:52` (the bar only when `width` is given). */
export function renderProgressLine(label: string, p: DownloadProgress, width?: number): string {
  const total = p.totalBytes;
  const fraction = total ? Math.min(1, p.downloadedBytes / total) : null;
  const pct = fraction === null ? "" : `${(fraction * 100).toFixed(1).padStart(5)}%`;
  const amount = total ? `${formatMB(p.downloadedBytes)}/${formatBytes(total)}` : formatBytes(p.downloadedBytes);
  const speed = `${formatMB(p.bytesPerSecond)} MB/s`;
  const eta = total && p.bytesPerSecond > 0 ? `ETA ${formatDuration((total - p.downloadedBytes) / p.bytesPerSecond)}` : "ETA --:--";
  const stats = [pct, amount, speed, eta].filter(Boolean).join("  ");
  if (width === undefined || fraction === null) return `${label} ${stats}`;
  const barWidth = Math.max(10, Math.min(40, width - label.length - stats.length - 5));
  const filled = Math.round(fraction * barWidth);
  return `${label} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${stats}`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

function formatMB(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}
