import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AskDeps } from "@/lib/ask";
import type { Embedder } from "@/models/types";
import { openVectorStore, type VectorStore } from "@/vectorstore/index";

// A small corpus where each question's answer sits in exactly one passage, for checking
// that the model's [n] markers point at that passage. Shared by the citation test and the
// dev script that measures the citation rate (citationRate.ts).

export interface CorpusPassage {
  documentId: string;
  fileName: string;
  page: number | null;
  text: string;
}

export const CORPUS: CorpusPassage[] = [
  { documentId: "pump-isolation", fileName: "pump-manual.pdf", page: 14, text: "The isolation valve for pump P-101 is V-17." },
  { documentId: "pump-lubrication", fileName: "pump-manual.pdf", page: 22, text: "Pump P-101 bearings are greased every 500 running hours with lithium grease." },
  { documentId: "boiler-pressure", fileName: "boiler-datasheet.pdf", page: 2, text: "Boiler B-2 has a maximum operating pressure of 12 bar." },
  { documentId: "cafeteria", fileName: "facilities.pdf", page: 3, text: "The cafeteria on level 2 opens at 07:30 and closes at 15:00 on weekdays." },
  { documentId: "contract-termination", fileName: "supply-contract.docx", page: null, text: "Either party may terminate this supply agreement by giving 90 days written notice." },
  { documentId: "discharge", fileName: "discharge-report.pdf", page: 1, text: "The patient was discharged on amoxicillin 500 mg three times daily for 7 days." },
  { documentId: "spill", fileName: "safety-handbook.pdf", page: 8, text: "Report chemical spills to the site emergency line on extension 5555." },
];

export interface CitationCase {
  question: string;
  /** The one passage that holds the answer. */
  documentId: string;
  /** A word the answer must contain to be about the right thing. */
  expect: RegExp;
}

export const CASES: CitationCase[] = [
  { question: "What is the isolation valve for pump P-101?", documentId: "pump-isolation", expect: /V-17/ },
  { question: "What is the maximum operating pressure of boiler B-2?", documentId: "boiler-pressure", expect: /12 bar/ },
  { question: "How much notice is needed to terminate the supply agreement?", documentId: "contract-termination", expect: /90 days/ },
  { question: "Which extension do I call to report a chemical spill?", documentId: "spill", expect: /5555/ },
  { question: "What dose of amoxicillin was the patient discharged on?", documentId: "discharge", expect: /500 mg/ },
  { question: "When does the cafeteria open on weekdays?", documentId: "cafeteria", expect: /07:30/ },
];

export const COLLECTION = "plant";

/** Moves the top hit to the middle: a model that always cites [1], or always the last, cites wrong. */
export function bestInMiddle<T>(hits: T[]): T[] {
  if (hits.length < 3) return hits;
  const [best, ...rest] = hits;
  rest.splice(Math.floor(hits.length / 2), 0, best!);
  return rest;
}

/** A real LanceDB store in a temp dir holding CORPUS, one chunk per passage. */
export async function openCorpusStore(embedder: Embedder): Promise<{ store: VectorStore; deps: Omit<AskDeps, "llm">; close: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "cairn-citations-"));
  const store = await openVectorStore({ uri: path.join(dir, "lancedb"), dimensions: embedder.dimensions, embeddingModel: embedder.modelName });
  const vectors = await embedder.embed(CORPUS.map((p) => p.text));
  for (const [i, p] of CORPUS.entries()) {
    await store.replaceDocumentChunks(p.documentId, [
      {
        id: `${p.documentId}-0`,
        documentId: p.documentId,
        collectionId: COLLECTION,
        documentSha256: "0".repeat(64),
        ordinal: 0,
        page: p.page,
        headingPath: "",
        charStart: 0,
        charEnd: p.text.length,
        tokenCount: embedder.countTokens(p.text),
        text: p.text,
        vector: vectors[i],
      },
    ]);
  }
  const names = new Map(CORPUS.map((p) => [p.documentId, p.fileName]));
  return {
    store,
    deps: {
      embedder,
      search: (q) => store.hybridSearch(q),
      documentNames: async (ids) => new Map(ids.map((id) => [id, names.get(id) ?? id])),
    },
    close: async () => {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
