"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Highlighted } from "./Highlighted";
import { NarrowedNote } from "./NarrowedNote";
import { viewerHref, whereLabel, type NamedDocumentInfo, type SearchResult } from "./types";

// Instant passage search (no LLM): results update as you type, matched words highlighted.

interface Props {
  query: string;
  onQueryChange: (query: string) => void;
  inputRef?: React.Ref<HTMLInputElement>;
  /** Search one collection; all readable ones when unset. */
  collection?: string;
}

export function SearchPanel({ query, onQueryChange, inputRef, collection }: Props) {
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [named, setNamed] = useState<NamedDocumentInfo[]>([]);
  const [widen, setWiden] = useState(false);

  useEffect(() => {
    const q = query.trim();
    if (!q) return;
    const ctl = new AbortController();
    const t = setTimeout(async () => {
      setBusy(true);
      try {
        const res = await fetch(`/api/search?${new URLSearchParams({ q, limit: "20", ...(widen ? { all: "1" } : {}), ...(collection ? { collection } : {}) })}`, { signal: ctl.signal });
        const body = await res.json();
        if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
        setResults(body.results);
        setNamed(body.named ?? []);
        setError(null);
      } catch (e) {
        if (ctl.signal.aborted) return;
        setError((e as Error).message);
      } finally {
        if (!ctl.signal.aborted) setBusy(false);
      }
    }, 200);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [widen, query, collection]);

  return (
    <>
      <label className="block">
        <span className="sr-only">Search passages</span>
        <input
          ref={inputRef}
          type="search"
          value={query}
          onChange={(e) => {
            // Cleared: forget the last results, so the next query starts from nothing.
            if (!e.target.value.trim()) {
              setResults(null);
              setError(null);
              setNamed([]);
              setWiden(false);
            }
            onQueryChange(e.target.value);
          }}
          placeholder="e.g. isolation valve P-101"
          maxLength={500}
          className="w-full rounded border border-stone-300 bg-white px-3 py-2 focus:outline-none focus:ring-2 focus:ring-teal-700"
        />
      </label>
      {query.trim() ? (
        <>
          {results && !error && <NarrowedNote named={named} widened={widen} onWiden={setWiden} />}
          <SearchResults query={query} results={results} error={error} busy={busy} />
        </>
      ) : (
        <p className="text-sm text-stone-600">Type words to find passages instantly, without the language model.</p>
      )}
    </>
  );
}

function SearchResults({ query, results, error, busy }: { query: string; results: SearchResult[] | null; error: string | null; busy: boolean }) {
  return (
    <div className="space-y-3" aria-busy={busy}>
      {/* Announce the count, not every passage (the list itself is not a live region). */}
      <p role="status" className="sr-only">
        {results && !error ? `${results.length} passage${results.length === 1 ? "" : "s"} found` : ""}
      </p>
      {error && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
      {results && results.length === 0 && !error && <p className="text-sm text-stone-600">No passage matches “{query.trim()}”.</p>}
      {results && results.length > 0 && (
        <ol className="space-y-3" data-testid="search-results">
          {results.map((r) => (
            <li key={r.chunkId} className="rounded border border-stone-200 bg-white p-3 text-sm" data-testid="search-result">
              <Link href={viewerHref(r)} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950 focus:outline-none focus:ring-2 focus:ring-teal-700">
                {whereLabel(r)}
              </Link>
              {r.headingPath && <div className="text-xs text-stone-500">{r.headingPath}</div>}
              <p className="mt-1 whitespace-pre-wrap text-stone-800">
                <Highlighted text={r.text} ranges={r.highlights} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
