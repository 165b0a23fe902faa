"use client";
import { useCallback, useEffect, useState } from "react";
import type { DocumentRow } from "@/core/db/queries";
import { CollectionPicker } from "../components/CollectionPicker";
import { UploadDropzone } from "../components/UploadDropzone";
import { useMe } from "../components/useMe";
import { DeadlinesPanel, SummaryPanel } from "./TaskPanels";
import { ingestProgressText } from "./ingestProgress";

type Task = { kind: "summary"; doc: DocumentRow } | { kind: "deadlines"; scope: { documentIds?: string[]; collectionId?: string }; title: string };

const stageLabel: Record<string, string> = {
  queued: "Queued",
  parsing: "Reading",
  embedding: "Indexing",
  indexed: "Indexed",
  failed: "Failed",
};

async function fetchLibrary(): Promise<DocumentRow[]> {
  const res = await fetch("/api/documents", { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body.documents;
}

export function LibraryView() {
  const [docs, setDocs] = useState<DocumentRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [task, setTask] = useState<Task | null>(null);
  const me = useMe();
  const [filter, setFilter] = useState("");
  const [target, setTarget] = useState("");
  const writable = (me?.collections ?? []).filter((c) => me?.writable.includes(c.id));
  const uploadInto = target || writable[0]?.id;
  const collectionName = (id: string) => me?.collections.find((c) => c.id === id)?.name ?? id;
  const shownDocs = docs && filter ? docs.filter((d) => d.collectionId === filter) : docs;

  const refresh = useCallback(
    () =>
      fetchLibrary().then(
        (documents) => {
          setDocs(documents);
          setError(null);
        },
        (e: Error) => setError(`Could not load the library: ${e.message}`),
      ),
    [],
  );

  const busy = docs?.some((d) => d.status !== "indexed" && d.status !== "failed") ?? true;
  useEffect(() => {
    refresh();
    const t = setInterval(refresh, busy ? 700 : 4000);
    return () => clearInterval(t);
  }, [refresh, busy]);

  async function remove(doc: DocumentRow) {
    if (!confirm(`Delete "${doc.name}" and its index?`)) return;
    const res = await fetch(`/api/documents/${doc.id}`, { method: "DELETE" });
    if (!res.ok) setError((await res.json()).error?.message ?? "Delete failed");
    refresh();
  }

  return (
    <div className="space-y-6">
      {me && writable.length === 0 ? (
        <p className="rounded border border-stone-200 bg-white px-3 py-2 text-sm text-stone-600" data-testid="read-only">
          You can read your collections but not add documents to them.
        </p>
      ) : (
        <div className="space-y-2">
          <CollectionPicker collections={writable} value={uploadInto ?? ""} onChange={setTarget} label="Upload into" allowAll={false} />
          {writable.length === 1 && (me?.collections.length ?? 0) > 1 && (
            <p className="text-sm text-stone-600" data-testid="upload-target">
              Uploads go into {writable[0].name}.
            </p>
          )}
          <UploadDropzone onUploaded={refresh} collection={uploadInto} />
        </div>
      )}
      <CollectionPicker collections={me?.collections ?? []} value={filter} onChange={setFilter} label="Show" />
      {error && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">{error}</p>}
      {docs && docs.some((d) => d.status === "indexed") && (
        <div className="flex gap-2">
          {[...new Set(docs.filter((d) => d.status === "indexed").map((d) => d.collectionId))].map((c) => (
            <button key={c} type="button" onClick={() => setTask({ kind: "deadlines", scope: { collectionId: c }, title: `Deadlines in collection “${c}”` })} className="rounded border border-teal-700 px-3 py-1.5 text-sm text-teal-800 hover:bg-teal-50">
              Deadlines in collection “{c}”
            </button>
          ))}
        </div>
      )}
      {task?.kind === "summary" && <SummaryPanel key={task.doc.id} documentId={task.doc.id} fileName={task.doc.name} onClose={() => setTask(null)} />}
      {task?.kind === "deadlines" && <DeadlinesPanel key={task.title} scope={task.scope} title={task.title} onClose={() => setTask(null)} />}
      {shownDocs === null ? (
        <p className="text-stone-600">Loading…</p>
      ) : shownDocs.length === 0 ? (
        <p className="rounded border border-stone-200 bg-white px-4 py-6 text-center text-stone-600">
          No documents yet. Drop a file above, or set CAIRN_WATCH_DIR to index a folder.
        </p>
      ) : (
        <div className="overflow-x-auto rounded border border-stone-200 bg-white">
          <table className="w-full text-left text-sm" data-testid="library-table">
            <thead className="bg-stone-100 text-stone-700">
              <tr>
                <th className="px-3 py-2 font-medium">Document</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">Pages</th>
                <th className="px-3 py-2 font-medium">Chunks</th>
                <th className="px-3 py-2 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {shownDocs.map((d) => (
                <DocumentRowView
                  key={d.id}
                  doc={d}
                  collectionName={(me?.collections.length ?? 0) > 1 ? collectionName(d.collectionId) : null}
                  canDelete={!me || me.writable.includes(d.collectionId)}
                  onDelete={() => remove(d)}
                  onSummarize={() => setTask({ kind: "summary", doc: d })}
                  onDeadlines={() => setTask({ kind: "deadlines", scope: { documentIds: [d.id] }, title: `Deadlines in ${d.name}` })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function DocumentRowView({
  doc,
  collectionName,
  canDelete,
  onDelete,
  onSummarize,
  onDeadlines,
}: {
  doc: DocumentRow;
  collectionName: string | null;
  canDelete: boolean;
  onDelete: () => void;
  onSummarize: () => void;
  onDeadlines: () => void;
}) {
  const p = doc.progress;
  const active = doc.status !== "indexed" && doc.status !== "failed";
  const pct = p && p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
  return (
    <tr className="border-t border-stone-100 align-top" data-testid="document-row" data-status={doc.status}>
      <td className="px-3 py-2">
        <div className="font-medium break-all">
          {doc.status === "indexed" ? (
            <a href={`/view/${doc.id}`} className="text-teal-800 underline underline-offset-2 hover:text-teal-950">{doc.name}</a>
          ) : (
            doc.name
          )}
        </div>
        <div className="text-xs text-stone-500">
          {collectionName ? <span data-testid="document-collection">{collectionName} · </span> : null}
          {doc.kind ?? "unknown type"} · {(doc.sizeBytes / 1024).toFixed(0)} KB
        </div>
        {doc.pagesWithoutText.length > 0 && (
          <div className="mt-1 text-xs text-amber-800">
            {doc.pagesWithoutText.length} page{doc.pagesWithoutText.length === 1 ? " has" : "s have"} no text (scanned?):{" "}
            {doc.pagesWithoutText.slice(0, 12).join(", ")}
            {doc.pagesWithoutText.length > 12 ? "…" : ""}
          </div>
        )}
        {doc.warnings.map((w) => (
          <div key={w} className="mt-1 text-xs text-amber-800">{w}</div>
        ))}
        {doc.status === "failed" && (
          <div className="mt-1 text-sm text-red-700" role="status">{doc.errorMessage ?? "Failed."}</div>
        )}
      </td>
      <td className="px-3 py-2 whitespace-nowrap">
        <span className={doc.status === "failed" ? "text-red-700" : doc.status === "indexed" ? "text-teal-700" : ""}>
          {stageLabel[doc.status] ?? doc.status}
        </span>
        {active && (
          <div className="mt-1 w-36">
            <progress
              className="h-2 w-full"
              max={100}
              value={pct}
              aria-label={`Progress for ${doc.name}`}
              data-testid="ingest-progress"
            />
            <div className="text-xs text-stone-500">
              {ingestProgressText(doc)}
            </div>
          </div>
        )}
      </td>
      <td className="px-3 py-2">{doc.pageCount ?? "–"}</td>
      <td className="px-3 py-2">{doc.chunkCount}</td>
      <td className="px-3 py-2 text-right whitespace-nowrap">
        {doc.status === "indexed" && (
          <>
            <button type="button" onClick={onSummarize} aria-label={`Summarize ${doc.name}`} className="rounded px-2 py-1 text-teal-800 hover:bg-teal-50">Summarize</button>
            <button type="button" onClick={onDeadlines} aria-label={`Deadlines in ${doc.name}`} className="rounded px-2 py-1 text-teal-800 hover:bg-teal-50">Deadlines</button>
          </>
        )}
        {canDelete && (
          <button type="button" onClick={onDelete} aria-label={`Delete ${doc.name}`} className="rounded px-2 py-1 text-red-700 hover:bg-red-50 focus:outline-none focus:ring-2 focus:ring-red-600">
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}
