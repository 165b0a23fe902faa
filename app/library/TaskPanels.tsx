"use client";
import { useEffect, useRef, useState } from "react";
import type { DeadlineRow, DocumentDeadlines } from "@/lib/deadlines";
import type { DeadlineEvent } from "@/lib/deadlineTask";
import type { SummaryEvent, SummaryResult } from "@/lib/summarize";
import { withheldReason } from "../components/AnswerText";
import { viewerHref, whereLabel } from "../components/types";

// Whole-document tasks from the library: a cited summary of one document, and the deadline
// table of one document or a whole collection (CSV and .ics downloads).

async function readNdjson<E>(res: Response, onEvent: (e: E) => void): Promise<void> {
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => ({}));
    throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) onEvent(JSON.parse(line) as E);
    }
  }
}

const PRESETS: { id: string; label: string }[] = [
  { id: "clinical", label: "Clinical summary (diagnoses, medications with doses, procedures, follow-up)" },
  { id: "brief", label: "Brief summary" },
  { id: "key_facts", label: "Key facts" },
];

const MARKER = /\s*\[(\d+(?:\s*,\s*\d+)*)\]/g;

function CitedText({ result }: { result: SummaryResult }) {
  const byN = new Map(result.citations.map((c) => [c.n, c]));
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const m of result.summary.matchAll(MARKER)) {
    parts.push(result.summary.slice(last, m.index));
    for (const n of m[1]!.split(",").map((x) => Number(x.trim()))) {
      const c = byN.get(n);
      if (!c) continue;
      parts.push(
        <a key={`${m.index}-${n}`} href={viewerHref(c)} data-testid="summary-citation" title={whereLabel(c)} className="ml-0.5 rounded bg-teal-50 px-1 text-xs text-teal-800 underline">
          {c.page !== null ? `p. ${c.page}` : `[${n}]`}
        </a>,
      );
    }
    last = m.index! + m[0].length;
  }
  parts.push(result.summary.slice(last));
  return <p data-testid="summary-text" className="whitespace-pre-wrap leading-relaxed">{parts}</p>;
}

export function SummaryPanel({ documentId, fileName, onClose }: { documentId: string; fileName: string; onClose: () => void }) {
  const [preset, setPreset] = useState("clinical");
  const [instruction, setInstruction] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [streamed, setStreamed] = useState("");
  const [partials, setPartials] = useState<string[]>([]);
  const [result, setResult] = useState<{ r: SummaryResult; cached: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  async function run() {
    abort.current?.abort();
    abort.current = new AbortController();
    setStatus("Starting…");
    setStreamed("");
    setPartials([]);
    setResult(null);
    setError(null);
    try {
      const res = await fetch("/api/summaries", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ documentId, ...(instruction.trim() ? { instruction } : { preset }) }),
        signal: abort.current.signal,
      });
      await readNdjson<SummaryEvent>(res, (e) => {
        if (e.type === "status") setStatus(e.stage === "loading_model" ? "Loading the model…" : e.stage === "combining" ? "Combining the parts…" : `Summarizing part ${e.part} of ${e.parts}…`);
        else if (e.type === "token") setStreamed((s) => s + e.text);
        else if (e.type === "partial") setPartials((p) => [...p, e.text]);
        else if (e.type === "done") {
          setResult({ r: e.result, cached: e.cached });
          setStatus(null);
        } else if (e.type === "error") {
          setError(e.error.message);
          setStatus(null);
        }
      });
    } catch (e) {
      if ((e as Error).name !== "AbortError") setError((e as Error).message);
      setStatus(null);
    }
  }

  return (
    <section aria-label={`Summary of ${fileName}`} data-testid="summary-panel" className="space-y-3 rounded border border-stone-200 bg-white p-4">
      <div className="flex items-center justify-between">
        <h2 className="font-medium">Summary of {fileName}</h2>
        <button type="button" onClick={onClose} className="text-sm text-stone-600 underline">Close</button>
      </div>
      <div className="flex flex-wrap items-end gap-2 text-sm">
        <label className="flex flex-col">
          <span className="text-stone-600">Preset</span>
          <select value={preset} onChange={(e) => setPreset(e.target.value)} className="rounded border px-2 py-1" aria-label="Summary preset">
            {PRESETS.map((p) => (
              <option key={p.id} value={p.id}>{p.label}</option>
            ))}
          </select>
        </label>
        <label className="flex min-w-64 flex-1 flex-col">
          <span className="text-stone-600">Or your own instruction</span>
          <input value={instruction} onChange={(e) => setInstruction(e.target.value)} maxLength={2000} className="rounded border px-2 py-1" placeholder="e.g. list the medications with doses" aria-label="Summary instruction" />
        </label>
        <button type="button" onClick={run} disabled={status !== null} className="rounded bg-teal-700 px-3 py-1.5 text-white disabled:opacity-50">Summarize</button>
      </div>
      {status && <p role="status" className="text-sm text-stone-600">{status}</p>}
      {error && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">{error}</p>}
      {!result && partials.length > 0 && (
        <ol className="list-decimal space-y-1 pl-5 text-sm text-stone-600" data-testid="summary-partials">
          {partials.map((p, i) => <li key={i}>{p}</li>)}
        </ol>
      )}
      {!result && streamed && <p className="whitespace-pre-wrap text-stone-500">{streamed}</p>}
      {result && (
        <div className="space-y-2">
          <CitedText result={result.r} />
          <p className="text-xs text-stone-500" data-testid="summary-meta">
            {result.r.mode === "single" ? "One pass" : `Map-reduce over ${result.r.parts} parts`} · {result.r.model}
            {result.cached ? " · from cache" : ` · ${(result.r.timings.totalMs / 1000).toFixed(1)} s`}
            {result.r.withheld.length > 0 && ` · ${result.r.withheld.length} sentence(s) left out: not backed by the passages`}
          </p>
          {result.r.withheld.length > 0 && (
            <details className="text-xs text-stone-600" data-testid="summary-withheld">
              <summary className="cursor-pointer">Sentences left out</summary>
              <ul className="list-disc pl-5">
                {result.r.withheld.map((w, i) => (
                  <li key={i}>
                    <span className="line-through decoration-amber-600">{w.text}</span> — {withheldReason(w)}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}

const shortName = (name: string) => (name.length > 40 ? `${name.slice(0, 37)}…` : name);

const exportRows = (rows: DeadlineRow[]) =>
  rows.map((r) => ({
    fileName: r.fileName,
    page: r.page,
    party: r.party,
    obligation: r.obligation,
    deadline: r.deadline,
    resolvedDate: r.resolvedDate,
    clause: r.clause,
    link: viewerHref({ documentId: r.documentId, page: r.page, charStart: r.charStart, charEnd: r.charEnd }),
  }));

export function DeadlinesPanel({ scope, title, onClose }: { scope: { documentIds?: string[]; collectionId?: string }; title: string; onClose: () => void }) {
  const [anchorDate, setAnchorDate] = useState("");
  const [docs, setDocs] = useState<DocumentDeadlines[] | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const scopeKey = JSON.stringify(scope);

  async function run(anchor: string) {
    abort.current?.abort();
    abort.current = new AbortController();
    setError(null);
    setStatus("Finding dated clauses…");
    try {
      const res = await fetch("/api/deadlines", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...JSON.parse(scopeKey), ...(anchor ? { anchorDate: anchor } : {}) }),
        signal: abort.current.signal,
      });
      await readNdjson<DeadlineEvent>(res, (e) => {
        if (e.type === "rows") setDocs(e.documents);
        else if (e.type === "status") setStatus(e.stage === "loading_model" ? "Loading the model…" : "Reading who must do what…");
        else if (e.type === "progress") {
          const byId = new Map(e.rows.map((r) => [r.id, r]));
          setDocs((ds) => ds?.map((d) => ({ ...d, rows: d.rows.map((r) => byId.get(r.id) ?? r) })) ?? ds);
          setStatus(`Reading who must do what… ${e.done}/${e.total} clauses`);
        } else if (e.type === "done") {
          setDocs(e.documents);
          setStatus(null);
        } else if (e.type === "error") {
          setError(e.error.message);
          setStatus(null);
        }
      });
    } catch (e) {
      if ((e as Error).name !== "AbortError") setError((e as Error).message);
      setStatus(null);
    }
  }

  useEffect(() => {
    // Started from a timer so its state updates come from a callback, not the effect body.
    const t = setTimeout(() => run(""), 0);
    return () => {
      clearTimeout(t);
      abort.current?.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scopeKey]);

  async function download(format: "csv" | "ics") {
    const rows = (docs ?? []).flatMap((d) => d.rows);
    const res = await fetch("/api/deadlines/export", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ format, rows: exportRows(rows) }) });
    if (!res.ok) {
      setError((await res.json()).error?.message ?? `Export failed (HTTP ${res.status})`);
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = `deadlines.${format}`;
    a.click();
    URL.revokeObjectURL(url);
  }

  const rows = (docs ?? []).flatMap((d) => d.rows);
  return (
    <section aria-label={title} data-testid="deadlines-panel" className="space-y-3 rounded border border-stone-200 bg-white p-4">
      <div className="flex items-center justify-between">
        <h2 className="font-medium">{title}</h2>
        <button type="button" onClick={onClose} className="text-sm text-stone-600 underline">Close</button>
      </div>
      <div className="flex flex-wrap items-end gap-2 text-sm">
        <label className="flex flex-col">
          <span className="text-stone-600">Count periods from (optional; default: the effective date found in the document)</span>
          <input type="date" value={anchorDate} onChange={(e) => setAnchorDate(e.target.value)} className="rounded border px-2 py-1" aria-label="Anchor date" />
        </label>
        <button type="button" onClick={() => run(anchorDate)} className="rounded border px-3 py-1.5">Recompute</button>
        <button type="button" onClick={() => download("csv")} disabled={!rows.length} className="rounded bg-teal-700 px-3 py-1.5 text-white disabled:opacity-50">Download CSV</button>
        <button type="button" onClick={() => download("ics")} disabled={!rows.some((r) => r.resolvedDate)} className="rounded bg-teal-700 px-3 py-1.5 text-white disabled:opacity-50">Download .ics</button>
      </div>
      {status && <p role="status" className="text-sm text-stone-600">{status}</p>}
      {error && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">{error}</p>}
      {docs && (
        <p className="text-xs text-stone-500">
          {rows.length} dated clause{rows.length === 1 ? "" : "s"} in {docs.length} document{docs.length === 1 ? "" : "s"}
          {docs.map((d) => (d.anchor ? ` · ${d.fileName}: periods counted from ${d.anchor.date}` : "")).join("")}
        </p>
      )}
      {rows.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[60rem] table-fixed text-left text-xs" data-testid="deadlines-table">
            <colgroup>
              <col className="w-[13rem]" />
              <col className="w-[8rem]" />
              <col className="w-[11rem]" />
              <col className="w-[6rem]" />
              <col />
              <col className="w-[8rem]" />
            </colgroup>
            <thead className="sticky top-0 bg-stone-100 text-stone-700">
              <tr>
                <th className="px-2 py-1">Obligation</th>
                <th className="px-2 py-1">Party</th>
                <th className="px-2 py-1">Deadline as written</th>
                <th className="px-2 py-1">Date</th>
                <th className="px-2 py-1">Clause</th>
                <th className="px-2 py-1">Where</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-stone-100 align-top" data-testid="deadline-row">
                  <td className="px-2 py-1">
                    {r.obligation === null ? (
                      <span className="text-stone-400">see clause</span>
                    ) : (
                      <span className={r.obligationSource === "clause" ? "text-stone-600 italic" : ""} title={r.obligationSource === "clause" ? "the clause's own words" : "the model's words, checked against the clause"}>
                        {r.obligation}
                      </span>
                    )}
                  </td>
                  <td className="px-2 py-1">{r.party ?? ""}</td>
                  <td className="px-2 py-1 font-medium">{r.deadline}</td>
                  <td className="px-2 py-1 whitespace-nowrap" title={r.resolvedHow ?? undefined}>{r.resolvedDate ?? ""}</td>
                  <td className="px-2 py-1 break-words text-stone-700">{r.clause}</td>
                  <td className="px-2 py-1">
                    <a className="break-all text-teal-800 underline" title={whereLabel(r)} href={viewerHref({ documentId: r.documentId, page: r.page, charStart: r.charStart, charEnd: r.charEnd })}>
                      {docs!.length > 1 ? shortName(r.fileName) : "open"}
                      {r.page !== null ? `, p. ${r.page}` : ""}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
