"use client";
import { useEffect, useState } from "react";
import type { ModelsOverview } from "@/lib/modelsOverview";
import { DownloadProgress } from "./DownloadProgress";
import { modelsApi } from "./useModels";

const roughSize = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`);

/**
 * The first-run offer: shown while no LLM or no embedder is installed (and while the default
 * downloads run), one button downloads both defaults in the server.
 */
export function FirstRunDownload({ overview, refresh, onInstalled }: { overview: ModelsOverview; refresh: () => Promise<void>; onInstalled?: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const jobs = overview.downloads.filter((d) => overview.defaults.names.includes(d.name));
  const missing = !overview.active.llm.ok || !overview.active.embedder.ok;
  // "Installed" is news only to a page that saw them missing; a later visit shows nothing.
  const [sawMissing, setSawMissing] = useState(missing);
  if (missing && !sawMissing) setSawMissing(true);
  // Tell the page the moment the last model lands, so its banners do not lag behind.
  useEffect(() => {
    if (sawMissing && !missing) onInstalled?.();
  }, [sawMissing, missing, onInstalled]);
  if (!missing && (!sawMissing || jobs.length === 0)) return null;

  const act = async (url: string, init: RequestInit) => {
    setError(null);
    try {
      await modelsApi(url, init);
    } catch (e) {
      setError((e as Error).message);
    }
    await refresh();
  };
  const startDefaults = async () => {
    setStarting(true);
    await act("/api/models/downloads", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ defaults: true }) });
    setStarting(false);
  };
  const allDone = jobs.length > 0 && jobs.every((j) => j.status === "done") && !missing;

  return (
    <section aria-label="Download the default models" className="space-y-3 rounded border border-teal-300 bg-teal-50 p-4" data-testid="first-run">
      {allDone ? (
        <p className="text-sm font-medium text-teal-900" data-testid="first-run-done">
          The default models are installed. Add documents in the library and ask away.
        </p>
      ) : (
        <>
          <p className="text-sm text-stone-800">
            Cairn needs a language model (to answer) and an embedding model (to index and search). Both run on this machine; nothing you upload leaves it.
          </p>
          {!overview.canManage && <p className="text-sm font-medium text-stone-800">An administrator can install them from the Models page.</p>}
          {overview.canManage && jobs.length === 0 && (
            <button
              type="button"
              onClick={startDefaults}
              disabled={starting}
              className="rounded bg-teal-700 px-4 py-2 text-sm font-medium text-white hover:bg-teal-800 disabled:opacity-60"
            >
              Download the default models ({roughSize(overview.defaults.missingBytes)})
            </button>
          )}
        </>
      )}
      {jobs.map((job) => (
        <DownloadProgress
          key={job.name}
          job={job}
          onCancel={() => act(`/api/models/downloads/${encodeURIComponent(job.name)}`, { method: "DELETE" })}
          onResume={() => act("/api/models/downloads", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: job.name }) })}
        />
      ))}
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
    </section>
  );
}
