"use client";
import type { NamedDocumentInfo } from "./types";

// Which documents a search was narrowed to because the query names them, with one click to
// search everything instead (and back).

interface Props {
  named: NamedDocumentInfo[];
  widened: boolean;
  onWiden: (widen: boolean) => void;
}

const list = (docs: NamedDocumentInfo[]) =>
  docs.map((d, i) => (
    <span key={d.documentId}>
      {i > 0 && (i === docs.length - 1 ? " and " : ", ")}
      <strong className="break-all font-medium" data-testid="narrowed-document">
        {d.fileName}
      </strong>
    </span>
  ));

export function NarrowedNote({ named, widened, onWiden }: Props) {
  if (named.length === 0) return null;
  const words = [...new Set(named.flatMap((d) => d.matched))].map((w) => `“${w}”`).join(", ");
  return (
    <p className="rounded border border-teal-200 bg-teal-50 px-3 py-2 text-sm text-teal-950" data-testid="search-narrowed" data-widened={widened ? "yes" : "no"}>
      {widened ? (
        <>
          Searched all documents; {words} names {list(named)}.{" "}
          <button type="button" onClick={() => onWiden(false)} className="text-teal-800 underline focus:outline-none focus:ring-2 focus:ring-teal-700">
            Only {named.length === 1 ? "that document" : "those documents"}
          </button>
        </>
      ) : (
        <>
          Only in {list(named)} (your search names {named.length === 1 ? "it" : "them"}: {words}).{" "}
          <button type="button" data-testid="search-widen" onClick={() => onWiden(true)} className="text-teal-800 underline focus:outline-none focus:ring-2 focus:ring-teal-700">
            Search all documents
          </button>
        </>
      )}
    </p>
  );
}
