"use client";
import Link from "next/link";
import type { ActiveModel } from "@/lib/modelsOverview";
import type { ModelState } from "@/models";
import { useCallback, useEffect, useState } from "react";
import { FirstRunDownload } from "./models/FirstRunDownload";
import { useModels } from "./models/useModels";

// What stands between the user and an answer: a missing model, no documents yet,
// documents still being indexed. Polled while something is in progress.

type Active = ActiveModel;
interface Status {
  llm: Active | null;
  embedder: Active | null;
  llmState: ModelState | null;
  embedderState: ModelState | null;
  documents: { total: number; indexed: number; inProgress: number; failed: number } | null;
  error: string | null;
  /** Check again now (a model just finished downloading). */
  reload?: () => void;
}

async function getJson(url: string) {
  const res = await fetch(url, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

export function useSystemStatus(): Status {
  const [status, setStatus] = useState<Status>({ llm: null, embedder: null, llmState: null, embedderState: null, documents: null, error: null });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // A missing model may be downloading from the first-run panel: check often until it lands.
  const busy =
    (status.documents?.inProgress ?? 0) > 0 || status.llmState?.status === "loading" || status.embedderState?.status === "loading" || status.llm?.ok === false || status.embedder?.ok === false;
  useEffect(() => {
    let stop = false;
    const load = async () => {
      try {
        const [models, docs] = await Promise.all([getJson("/api/models"), getJson("/api/documents")]);
        const list = docs.documents as { status: string }[];
        if (stop) return;
        setStatus({
          llm: models.active.llm,
          embedder: models.active.embedder,
          llmState: models.state.llm,
          embedderState: models.state.embedder,
          documents: {
            total: list.length,
            indexed: list.filter((d) => d.status === "indexed").length,
            failed: list.filter((d) => d.status === "failed").length,
            inProgress: list.filter((d) => d.status !== "indexed" && d.status !== "failed").length,
          },
          error: null,
        });
      } catch (e) {
        if (!stop) setStatus((s) => ({ ...s, error: (e as Error).message }));
      }
    };
    load();
    const t = setInterval(load, busy ? 1500 : 10_000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [busy, tick]);
  return { ...status, reload };
}

export function StatusBanners({ status }: { status: Status }) {
  const notes: React.ReactNode[] = [];
  if (status.error) notes.push(<span key="e">Could not check the service: {status.error}</span>);
  if (status.embedder && !status.embedder.ok) {
    notes.push(<span key="emb">No embedding model yet: uploads are searchable by keyword now, and by meaning once one is installed ({status.embedder.message}).</span>);
  }
  if (status.llm && !status.llm.ok) {
    notes.push(
      <span key="llm">
        No language model yet, so questions cannot be answered; passage search still works ({status.llm.message}). See{" "}
        <Link className="underline" href="/models">Models</Link>.
      </span>,
    );
  }
  // Warm start (lib/warmStart.ts): the models load in the background as the server starts.
  if (status.embedderState?.status === "loading") notes.push(<span key="eloading">Loading the embedding model {status.embedderState.name}…</span>);
  if (status.llmState?.status === "loading") notes.push(<span key="loading">Loading the language model {status.llmState.name}…</span>);
  if (status.llmState?.status === "error") notes.push(<span key="llmerr">The language model failed to load: {status.llmState.error}</span>);
  const d = status.documents;
  if (d && d.total === 0) {
    notes.push(
      <span key="docs">
        No documents yet. <Link href="/library" className="font-medium underline">Add some in the library</Link> first.
      </span>,
    );
  } else if (d && d.inProgress > 0) {
    notes.push(
      <span key="ingest" data-testid="ingest-note">
        Indexing {d.inProgress} document{d.inProgress === 1 ? "" : "s"}… answers only use what is indexed so far (<Link href="/library" className="underline">progress</Link>).
      </span>,
    );
  }
  return (
    <>
      {/* Always mounted: it hides itself, and must outlive the banner to say the download is done. */}
      <HomeFirstRun onInstalled={status.reload} />
      {notes.length > 0 && (
        <div role="status" className="space-y-1 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          {notes.map((n, i) => (
            <p key={i}>{n}</p>
          ))}
        </div>
      )}
    </>
  );
}

/** The first-run download offer on the home page, live while the downloads run. */
function HomeFirstRun({ onInstalled }: { onInstalled?: () => void }) {
  const { overview, refresh } = useModels(null);
  return overview ? <FirstRunDownload overview={overview} refresh={refresh} onInstalled={onInstalled} /> : null;
}
