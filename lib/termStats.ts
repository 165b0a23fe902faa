import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { listDocuments } from "@/core/db/queries";
import type { VectorStore } from "@/vectorstore/VectorStore";
import { containsTerm, passageIndexText, type LibraryTermStats, type QuestionTerm, type TermOccurrence } from "./utils/answerability";
import { indexWords } from "./utils/textWords";

// Where the question's terms occur in the caller's readable collections, for the answerability
// gate's rarity judgement. BM25 finds the candidate chunks; each is then checked with the same
// matcher the gate uses (stems, compounds as phrases, synonyms), so the FTS tokenizer's view of
// "non-compete" or "GP-PB5-PC628" does not decide. A term with more matches than the cap is common.

export const TERM_SEARCH_CAP = 200;

export function libraryTermStats(store: Pick<VectorStore, "keywordMatches" | "countChunks">) {
  return async (terms: QuestionTerm[], collections: string[]): Promise<LibraryTermStats> => {
    const [chunks, occurrences] = await Promise.all([
      store.countChunks({ collectionId: collections }),
      Promise.all(
        terms.map(async (t): Promise<[string, TermOccurrence]> => {
          const rows = await store.keywordMatches(t.searchText, collections, TERM_SEARCH_CAP);
          const having = rows.filter((r) => containsTerm(indexWords(passageIndexText(r)), t));
          // Capped only when the verified matches fill the page too: an OR over "gp pb5 pc628" fills it with "gp".
          const capped = rows.length >= TERM_SEARCH_CAP && having.length >= TERM_SEARCH_CAP / 2;
          return [t.key, { chunks: having.length, documents: new Set(having.map((r) => r.documentId)), capped }];
        }),
      ),
    ]);
    const documents = listDocuments(openDb(config().dbPath), collections).length;
    return { chunks, documents, terms: new Map(occurrences) };
  };
}
