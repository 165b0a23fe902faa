import Link from "next/link";
import { notFound } from "next/navigation";
import { isCairnError } from "@/core/errors";
import { getLibraryDocument } from "@/lib/library";
import { pagePrincipal } from "../../pageAuth";
import { PassageViewer } from "./PassageViewer";

export const dynamic = "force-dynamic";

type Search = Record<string, string | string[] | undefined>;

const intParam = (v: string | string[] | undefined): number | null => {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isInteger(n) && n >= 0 ? n : null;
};

// /view/<documentId>?page=N&start=S&end=E — the cited page with the passage highlighted.
export default async function ViewPage({ params, searchParams }: { params: Promise<{ documentId: string }>; searchParams: Promise<Search> }) {
  const { documentId } = await params;
  const q = await searchParams;
  const principal = await pagePrincipal();
  let doc;
  try {
    doc = getLibraryDocument(principal, documentId);
  } catch (e) {
    if (isCairnError(e) && (e.type === "not_found" || e.type === "bad_request")) notFound();
    throw e;
  }
  const page = intParam(q.page);
  const start = intParam(q.start);
  const end = intParam(q.end);
  const sStart = intParam(q.sstart);
  const sEnd = intParam(q.send);
  const span = start !== null && end !== null && end > start ? { start, end } : null;
  // The supporting sentence(s), only inside the cited span.
  const support = span && sStart !== null && sEnd !== null && sStart >= span.start && sEnd <= span.end && sEnd > sStart ? { start: sStart, end: sEnd } : null;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="break-all text-xl font-semibold">{doc.name}</h1>
        <Link href="/" className="text-sm text-teal-800 underline underline-offset-2">
          Back to the chat
        </Link>
      </div>
      <PassageViewer
        documentId={doc.id}
        kind={doc.kind}
        pageCount={doc.pageCount}
        page={doc.kind === "pdf" ? Math.max(1, page ?? 1) : null}
        span={span}
        support={support}
      />
    </div>
  );
}
