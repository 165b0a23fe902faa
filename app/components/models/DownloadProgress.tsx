"use client";
import type { DownloadJob } from "@/lib/modelManager";
import { formatBytes, formatEta } from "./useModels";

/** One download: a progress bar with bytes, speed and time left, or where it stopped and what to do. */
export function DownloadProgress({ job, onCancel, onResume }: { job: DownloadJob; onCancel: () => void; onResume: () => void }) {
  const pct = job.totalBytes ? Math.min(100, (job.downloadedBytes / job.totalBytes) * 100) : null;
  return (
    <div className="space-y-1 text-sm" data-testid={`download-${job.name}`} data-status={job.status}>
      <div className="flex items-center justify-between gap-2">
        <span className="font-medium">{job.name}</span>
        {job.status === "downloading" && (
          <button type="button" onClick={onCancel} className="rounded border border-stone-400 px-2 py-0.5 text-xs hover:bg-stone-100">
            Cancel
          </button>
        )}
        {(job.status === "failed" || job.status === "cancelled") && (
          <button type="button" onClick={onResume} className="rounded border border-teal-700 px-2 py-0.5 text-xs text-teal-800 hover:bg-teal-50">
            {job.error?.reason === "checksum_mismatch" || job.error?.reason === "size_mismatch" ? "Download again" : job.downloadedBytes > 0 ? "Resume" : "Try again"}
          </button>
        )}
      </div>
      <div
        role="progressbar"
        aria-label={`Downloading ${job.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct === null ? undefined : Math.round(pct)}
        className="h-2 w-full overflow-hidden rounded bg-stone-200"
      >
        <div className={`h-full ${job.status === "failed" ? "bg-red-500" : job.status === "done" ? "bg-teal-600" : "bg-teal-500"}`} style={{ width: `${pct ?? 0}%` }} />
      </div>
      <p className="text-xs text-stone-600" data-testid="download-stats">
        {job.status === "done"
          ? `Done: ${formatBytes(job.downloadedBytes)}, checked and installed.`
          : `${formatBytes(job.downloadedBytes)} of ${formatBytes(job.totalBytes)}${pct === null ? "" : ` (${pct.toFixed(0)}%)`}` +
            (job.status === "downloading" ? ` · ${formatBytes(job.bytesPerSecond)}/s · ${formatEta(job.etaSeconds)}` : "") +
            (job.resumedFromBytes > 0 && job.status === "downloading" ? ` · resumed at ${formatBytes(job.resumedFromBytes)}` : "")}
      </p>
      {job.error && (
        <div role="alert" className={`rounded border px-2 py-1 text-xs ${job.status === "cancelled" ? "border-stone-300 bg-stone-50" : "border-red-300 bg-red-50 text-red-900"}`}>
          <p data-testid="download-error">{job.error.message}</p>
          <p className="mt-0.5 font-medium">{job.error.hint}</p>
        </div>
      )}
    </div>
  );
}
