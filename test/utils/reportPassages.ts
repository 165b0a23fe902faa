import fs from "node:fs";
import path from "node:path";
import type { PromptPassage } from "@/lib/prompt";

// A report from ../shared/fixtures/medical as the passages a stored document would give: chunks
// of about `chunkChars` on sentence ends, `perPage` chunks a page, offsets into the page text.

export const MEDICAL_DIR = path.resolve(import.meta.dirname, "../../../shared/fixtures/medical");

export function medicalReport(name: string): string {
  return fs.readFileSync(path.join(MEDICAL_DIR, `${name}.txt`), "utf8");
}

export interface PagedPassages {
  passages: PromptPassage[];
  pages: Map<number, string>;
  text: string;
}

export function reportPassages(documentId: string, text: string, chunkChars = 600, perPage = 2): PagedPassages {
  const pieces: string[] = [];
  let current = "";
  for (const sentence of text.match(/[^.!?\n]+[.!?]*\s*|\n+/g) ?? []) {
    if (current.length + sentence.length > chunkChars && current.trim()) {
      pieces.push(current);
      current = "";
    }
    current += sentence;
  }
  if (current.trim()) pieces.push(current);
  const pages = new Map<number, string>();
  const passages: PromptPassage[] = [];
  pieces.forEach((piece, i) => {
    const page = Math.floor(i / perPage) + 1;
    const before = pages.get(page) ?? "";
    pages.set(page, before + piece);
    passages.push({
      id: `${documentId}-${i}`,
      documentId,
      collectionId: "default",
      documentSha256: "0".repeat(64),
      ordinal: i,
      page,
      headingPath: "",
      charStart: before.length,
      charEnd: before.length + piece.length,
      tokenCount: Math.ceil(piece.length / 4),
      text: piece,
      score: 1,
      fileName: `${documentId}.pdf`,
    });
  });
  return { passages, pages, text };
}
