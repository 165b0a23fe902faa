import { readFileSync } from "node:fs";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { fixturePath, repoRoot } from "./answerabilityQuestions";
import { makeDocx } from "../standalone/ingest/helpers";

// The retrieval dev set (test/fixtures/retrieval/questions.json): questions about documents
// nobody here wrote (../shared/fixtures contracts and medical reports), each with the gold
// span that answers it, naming the agreement by its parties or the report by its procedure.
// The documents are rendered to PDF (a few contracts to DOCX) here, as a user would upload them.

export const retrievalQuestionsPath = path.resolve(repoRoot, "test/fixtures/retrieval/questions.json");

export interface RetrievalQuestion {
  id: string;
  /** Relative to ../shared/fixtures: "contracts/<file>.txt" or "medical/<file>.txt". */
  file: string;
  question: string;
  /** The sentence or clause holding the answer, verbatim (up to whitespace). */
  gold: { quote: string };
}

export function loadRetrievalQuestions(): RetrievalQuestion[] {
  return JSON.parse(readFileSync(retrievalQuestionsPath, "utf8")) as RetrievalQuestion[];
}

/** Agreement questions kept out of tuning (same documents, other clauses and wordings); ids start "heldout-" once loaded. */
export const heldOutQuestionsPath = path.resolve(repoRoot, "test/fixtures/retrieval/heldout.json");

export function loadHeldOutQuestions(): RetrievalQuestion[] {
  return (JSON.parse(readFileSync(heldOutQuestionsPath, "utf8")) as RetrievalQuestion[]).map((q) => ({ ...q, id: `heldout-${q.id}` }));
}

/** "contracts", "medical", or "heldout" (held-out agreement questions). */
export const retrievalCorpusOf = (q: Pick<RetrievalQuestion, "file" | "id">) => (q.id.startsWith("heldout-") ? "heldout" : q.file.split("/")[0]!);

/** Contracts uploaded as DOCX instead of PDF (by a substring of the fixture name). */
export const DOCX_FIXTURES = ["BizzingoInc", "MERCATAINC", "NmfSlfIInc"];

/** Characters Helvetica's WinAnsi encoding lacks, as the rendered PDF spells them. */
export function winAnsiSafe(text: string): string {
  return text
    .replace(/[\u2010\u2011]/g, "-")
    .replace(/[\u202f\u00a0]/g, " ")
    .replace(/\u017b/g, "Z")
    .replace(/\u25cf/g, "*")
    .replace(/\t/g, "    ");
}

/** The uploaded file name of a fixture: its base name with .pdf or .docx. */
export function uploadName(file: string): string {
  const base = path.basename(file, ".txt");
  return `${base}.${DOCX_FIXTURES.some((d) => base.includes(d)) ? "docx" : "pdf"}`;
}

/** A text PDF of the fixture: Helvetica 10 pt, its lines word-wrapped, 60 lines a page. */
export async function renderTextPdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const size = 10;
  const width = 595 - 2 * 50;
  const lines: string[] = [];
  for (const para of winAnsiSafe(text).split(/\r?\n/)) {
    let line = "";
    for (const word of para.split(/ +/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (line && font.widthOfTextAtSize(next, size) > width) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    lines.push(line);
  }
  const perPage = 60;
  for (let i = 0; i < lines.length; i += perPage) {
    const page = doc.addPage([595, 842]);
    lines.slice(i, i + perPage).forEach((l, j) => l && page.drawText(l, { x: 50, y: 800 - j * 12.5, size, font }));
  }
  return doc.save();
}

/** Every fixture the questions are about, rendered as uploaded (PDF, or DOCX for DOCX_FIXTURES). */
export async function renderRetrievalFiles(files: readonly string[]): Promise<{ name: string; bytes: Buffer }[]> {
  const out: { name: string; bytes: Buffer }[] = [];
  for (const f of files) {
    const text = readFileSync(fixturePath(f), "utf8");
    const name = uploadName(f);
    const bytes = name.endsWith(".docx")
      ? makeDocx(winAnsiSafe(text).split(/\r?\n/).filter((l) => l.trim()).map((l): [number, string] => [0, l]))
      : Buffer.from(await renderTextPdf(text));
    out.push({ name, bytes });
  }
  return out;
}
