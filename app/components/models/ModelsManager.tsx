"use client";
import { useState } from "react";
import type { ActiveModel, ModelsOverview } from "@/lib/modelsOverview";
import type { ModelListing } from "@/models/registry";
import { DownloadProgress } from "./DownloadProgress";
import { FirstRunDownload } from "./FirstRunDownload";
import { ImportModel } from "./ImportModel";
import { formatBytes, modelsApi, useModels } from "./useModels";

const stateLabel = { missing: "not installed", loading: "loading…", ready: "ready", error: "failed to load" } as const;

function ActiveCard({ modelRole, active, note }: { modelRole: "llm" | "embedder"; active: ActiveModel; note?: string }) {
  return (
    <div className={`rounded border p-3 ${active.ok ? "border-teal-200 bg-white" : "border-amber-300 bg-amber-50"}`} data-testid={`active-${modelRole}`}>
      <div className="text-sm font-semibold">{modelRole === "llm" ? "Language model (answers)" : "Embedding model (search and indexing)"}</div>
      {active.ok ? (
        <p className="text-sm text-stone-700">
          Using <span className="font-medium">{active.name}</span> <span className="text-stone-500">({active.source})</span>
        </p>
      ) : (
        <p className="text-sm text-amber-950">Missing: {active.message}. Download it below, or import a .gguf file.</p>
      )}
      {note && <p className="text-xs text-stone-600">{note}</p>}
    </div>
  );
}

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export function ModelsManager({ initial }: { initial: ModelsOverview }) {
  const { overview, error, refresh } = useModels(initial);
  const [actionError, setActionError] = useState<string | null>(null);
  const o = overview ?? initial;
  const act = async (url: string, init: RequestInit) => {
    setActionError(null);
    try {
      await modelsApi(url, init);
    } catch (e) {
      setActionError((e as Error).message);
    }
    await refresh();
  };
  const jobOf = (m: ModelListing) => o.downloads.find((d) => d.name === m.name);
  // The embedder in use is the one that wrote the vectors search reads, until a re-embed finishes.
  const activeName = (role: "llm" | "embedder") => (role === "embedder" && o.vectors ? o.vectors.embedder : o.active[role].ok ? o.active[role].name : null);

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Models</h1>
      <p className="max-w-2xl text-sm text-stone-700">
        Models run on this machine. Download them here (the server fetches and checks them), or import a .gguf file you already have.
      </p>
      <FirstRunDownload overview={o} refresh={refresh} />
      <div className="grid gap-3 md:grid-cols-2">
        <ActiveCard modelRole="llm" active={o.active.llm} />
        <ActiveCard
          modelRole="embedder"
          active={o.active.embedder}
          note={o.vectors?.reembed ? `Chosen; search uses ${o.vectors.embedder} until the library is re-embedded.` : undefined}
        />
      </div>
      {o.vectors?.reembed && (
        <div role="status" className="space-y-1 rounded border border-teal-300 bg-teal-50 px-3 py-2 text-sm" data-testid="reembed">
          <p>
            Re-embedding the library with <span className="font-medium">{o.vectors.reembed.embedder}</span>: {o.vectors.reembed.done} of{" "}
            {o.vectors.reembed.total} documents. Search uses {o.vectors.embedder} until every document is done.
          </p>
          <progress className="h-2 w-full" max={Math.max(1, o.vectors.reembed.total)} value={o.vectors.reembed.done} aria-label="Re-embedding progress" />
        </div>
      )}
      <p className="text-sm text-stone-700" data-testid="model-state">
        {(["llm", "embedder"] as const).map((role) => (
          <span key={role} className="mr-4">
            {role === "llm" ? "Language model" : "Embedder"}: {stateLabel[o.state[role].status]}
            {o.state[role].error ? ` (${o.state[role].error})` : ""}
          </span>
        ))}
      </p>
      {(error || actionError) && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
          {actionError ?? `Could not refresh: ${error}`}
        </p>
      )}
      <div className="overflow-x-auto rounded border border-stone-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-stone-100 text-stone-700">
            <tr>
              <th className="px-3 py-2 font-medium">Model</th>
              <th className="px-3 py-2 font-medium">Used for</th>
              <th className="px-3 py-2 font-medium">Size</th>
              <th className="px-3 py-2 font-medium">License</th>
              <th className="px-3 py-2 font-medium">Status</th>
            </tr>
          </thead>
          <tbody>
            {o.models.map((m) => {
              const job = jobOf(m);
              const pullable = o.canManage && m.kind === "catalogue" && !m.testOnly;
              const inModelsDir = o.canManage && m.installed && !m.path.includes("test-models");
              return (
                <tr key={`${m.kind}:${m.name}`} className="border-t border-stone-100 align-top" data-testid={`model-row-${m.name}`}>
                  <td className="px-3 py-2">
                    <div className="font-medium">
                      {m.name}
                      {m.isDefault && <span className="ml-2 rounded bg-teal-100 px-1 text-xs text-teal-900">default</span>}
                      {m.testOnly && <span className="ml-2 rounded bg-stone-200 px-1 text-xs">tests</span>}
                    </div>
                    <div className="text-xs text-stone-600">{m.description}</div>
                  </td>
                  <td className="px-3 py-2">{m.role === "llm" ? "answers" : "search"}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatBytes(m.sizeBytes)}</td>
                  <td className="px-3 py-2">{m.license ?? "–"}</td>
                  <td className="min-w-56 space-y-1 px-3 py-2">
                    {m.installed ? (
                      <div className="flex flex-wrap items-center gap-2">
                        <span className="text-teal-700">Installed</span>
                        {o.vectors?.reembed?.embedder === m.name ? (
                          <span className="rounded bg-amber-100 px-1 text-xs text-amber-900">chosen · re-embedding</span>
                        ) : activeName(m.role) === m.name ? (
                          <span className="rounded bg-teal-100 px-1 text-xs text-teal-900" data-testid="in-use">
                            in use
                          </span>
                        ) : (
                          o.canManage && (
                            <button
                              type="button"
                              className="rounded border border-teal-700 px-2 py-0.5 text-xs text-teal-800 hover:bg-teal-50"
                              onClick={() => act("/api/models/selection", json({ role: m.role, name: m.name }))}
                            >
                              {m.role === "llm" ? "Use for answers" : "Use for search"}
                            </button>
                          )
                        )}
                        {inModelsDir && activeName(m.role) !== m.name && (
                          <button
                            type="button"
                            className="rounded border border-stone-400 px-2 py-0.5 text-xs hover:bg-stone-100"
                            onClick={() => {
                              if (window.confirm(`Delete ${m.name} from this machine?`)) void act(`/api/models/${encodeURIComponent(m.name)}`, { method: "DELETE" });
                            }}
                          >
                            Remove
                          </button>
                        )}
                      </div>
                    ) : job && job.status !== "done" ? (
                      <DownloadProgress
                        job={job}
                        onCancel={() => act(`/api/models/downloads/${encodeURIComponent(m.name)}`, { method: "DELETE" })}
                        onResume={() => act("/api/models/downloads", json({ name: m.name }))}
                      />
                    ) : pullable ? (
                      <div className="flex items-center gap-2">
                        <button
                          type="button"
                          className="rounded border border-teal-700 px-2 py-0.5 text-xs text-teal-800 hover:bg-teal-50"
                          onClick={() => act("/api/models/downloads", json({ name: m.name }))}
                        >
                          {m.partialBytes ? `Resume (${formatBytes(m.partialBytes)} kept)` : "Download"}
                        </button>
                        {m.partialBytes ? (
                          <button
                            type="button"
                            className="rounded border border-stone-400 px-2 py-0.5 text-xs hover:bg-stone-100"
                            onClick={() => act(`/api/models/${encodeURIComponent(m.name)}`, { method: "DELETE" })}
                          >
                            Remove
                          </button>
                        ) : null}
                      </div>
                    ) : (
                      <code className="rounded bg-stone-100 px-1 text-xs break-all">{m.getCommand}</code>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {o.canManage ? (
        <ImportModel onImported={() => void refresh()} />
      ) : (
        <p className="text-sm text-stone-600">Only an administrator can download, import, remove or switch models.</p>
      )}
    </div>
  );
}
