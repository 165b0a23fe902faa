import type { Principal } from "./auth";
import { loadDocumentPages } from "./documentPages";
import { listLibrary } from "./library";
import { splitClauses, type PageInput } from "./utils/clauses";
import { findTemporalExpressions, type TemporalKind, type TemporalSpan } from "./utils/deadlinePatterns";
import { parseWrittenDate, resolveDeadline } from "./utils/deadlineResolve";
import { checkSentence, preparePassages } from "./utils/claimCheck";
import { CairnError } from "@/core/errors";
import type { LanguageModel } from "@/models/types";

// The deadline finder. The deterministic pass (lib/utils/deadlinePatterns over clause pieces,
// page furniture left out) decides which clauses are rows — so no dated clause is dropped
// whatever the model does; the deadline is always the clause's own words. The LLM then says
// who must do what; its words are kept only when checked against the clause like an answer
// sentence (every figure and name in it must be in the clause); otherwise the row keeps the
// clause's own subject and verb phrase ("Detto shall inspect all software delivered to it").

export interface DeadlineRow {
  id: string;
  documentId: string;
  fileName: string;
  page: number | null;
  /** Offsets of the clause in its page's text. */
  charStart: number;
  charEnd: number;
  clause: string;
  /** The temporal expressions, as written. */
  deadline: string;
  kinds: TemporalKind[];
  resolvedDate: string | null;
  resolvedHow: string | null;
  party: string | null;
  obligation: string | null;
  /** "model": the model's words, checked against the clause; "clause": the clause's own subject and verb phrase; "none": neither. */
  obligationSource: "model" | "clause" | "none";
}

export interface DocumentDeadlines {
  documentId: string;
  fileName: string;
  anchor: { date: string; label: string } | null;
  /** The parties' defined names found in the preamble; a row's party is one of them (or "either party"). */
  parties: string[];
  rows: DeadlineRow[];
}

/** The document's own date, for periods counted from it: the first written date in a clause naming the Effective Date or the agreement's making. */
export function documentAnchor(rows: readonly { clause: string; spans: TemporalSpan[] }[]): { date: string; label: string } | null {
  for (const r of rows) {
    if (!/effective date|is made|entered into|dated|effective as (?:of|from)/i.test(r.clause)) continue;
    for (const s of r.spans) {
      const date = s.kind === "date" ? parseWrittenDate(s.text) : null;
      if (date) return { date, label: "the Effective Date" };
    }
  }
  return null;
}

const CLAUSE_MAX_CHARS = 1200;

const NOT_A_PARTY = /^(?:this|the)?\s*(?:agreement|contract|term|section|notice|payment|invoice|order|license|amendment|it|such|any|all|each)\b/i;
const DUTY = /(?:^|[\s(])((?:[Tt]he\s+)?[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3}|[Ee]ither [Pp]arty|[Ee]ach [Pp]arty|[Bb]oth [Pp]arties|[Tt]he [Pp]arties)\s+(shall|must|will|agrees? to|may|is required to|undertakes to|covenants to)\s+((?:not\s+)?(?:[^,;.:]|\.(?=\d)){3,160})/;

const ANY_PARTY = /^(?:either|each|both) part(?:y|ies)$|^the parties$|^parties$/i;
const PREAMBLE_CHARS = 3000;

/** The parties' defined names in the preamble: "by and between PivX Corporation … ("PivX") and Detto Technologies … ("Detto")". */
export function definedParties(text: string): string[] {
  const head = text.slice(0, PREAMBLE_CHARS);
  const out = new Set<string>();
  for (const m of head.matchAll(/\(\s*(?:the\s+|hereinafter(?: referred to as)?\s+)?["“'‘]\s*(?:the\s+)?([A-Z][\w&.' -]{1,40}?)\s*["”'’]\s*\)/g)) {
    if (!/\b(?:agreement|contract|date|term|territory|product|property|brand|license|amendment|documentation|trademark|mark|commodit(?:y|ie)|network|ad|fee|services?)s?\b/i.test(m[1]!)) out.add(m[1]!.trim());
  }
  return [...out];
}

/** A party the row may name: one of the document's defined parties (when it has any), or "either party". */
export function isPartyName(name: string, parties: readonly string[]): boolean {
  const n = name.replace(/^the\s+/i, "").trim().toLowerCase();
  if (ANY_PARTY.test(n)) return true;
  return parties.length === 0 ? !NOT_A_PARTY.test(n) : parties.some((p) => p.toLowerCase() === n);
}

/** Who must do what, in the clause's own words: the first "X shall/must/will/may …" whose X is a party. */
export function obligationFromClause(clause: string, parties: readonly string[] = []): { party: string; obligation: string } | null {
  const m = DUTY.exec(clause);
  if (!m) return null;
  const party = m[1]!.replace(/^the\s+/i, "").trim();
  if (!ANY_PARTY.test(party) && (NOT_A_PARTY.test(party) || !isPartyName(party, parties))) return null;
  const words = m[3]!.trim().split(/\s+/).slice(0, 14).join(" ");
  return { party, obligation: `${m[2]} ${words}` };
}

/** Rows for every dated clause of one document, no model involved. */
export function extractDeadlines(doc: { documentId: string; fileName: string; pages: readonly PageInput[] }, anchorDate?: string): DocumentDeadlines {
  const found = splitClauses(doc.pages)
    .map((c) => ({ ...c, spans: findTemporalExpressions(c.text) }))
    .filter((c) => c.spans.length > 0);
  const anchor = anchorDate ? { date: anchorDate, label: "the date you gave" } : documentAnchor(found.map((f) => ({ clause: f.text, spans: f.spans })));
  const parties = definedParties(doc.pages.map((p) => p.text).join("\n"));
  const rows = found.map((c, i): DeadlineRow => {
    const resolved = resolveDeadline(c.text, c.spans, anchor);
    const duty = obligationFromClause(c.text, parties);
    return {
      id: `${doc.documentId}:${c.page ?? 0}:${c.start}:${i}`,
      documentId: doc.documentId,
      fileName: doc.fileName,
      page: c.page,
      charStart: c.start,
      charEnd: c.end,
      clause: c.text.length > CLAUSE_MAX_CHARS ? `${c.text.slice(0, CLAUSE_MAX_CHARS)}…` : c.text,
      deadline: c.spans.map((s) => s.text).join(" / "),
      kinds: [...new Set(c.spans.map((s) => s.kind))],
      resolvedDate: resolved?.date ?? null,
      resolvedHow: resolved?.how ?? null,
      party: duty?.party ?? null,
      obligation: duty?.obligation ?? null,
      obligationSource: duty ? "clause" : "none",
    };
  });
  return { documentId: doc.documentId, fileName: doc.fileName, anchor, parties, rows };
}

const SYSTEM = [
  "You read numbered contract clauses. For each clause write exactly one line:",
  "N | party | obligation",
  "party: who must act, in the clause's own words (or 'either party').",
  "obligation: what they must do, under 12 words, copied from the clause.",
  "Write one line per clause and nothing else.",
].join("\n");

const BATCH = 6;
const PROMPT_CLAUSE_CHARS = 500;

const LINE = /^\s*\[?(\d{1,3})\]?\s*[|.:)-]\s*([^|]{1,80}?)\s*\|\s*(.{3,200}?)\s*$/;

/** A model line is kept only when the clause holds its party and all its figures and names. */
export function checkObligation(clause: string, party: string, obligation: string, parties: readonly string[] = []): { party: string | null; obligation: string | null } {
  const passages = preparePassages([{ n: 1, text: clause }]);
  const p = party.replace(/^the\s+/i, "").trim();
  const partyOk = p.length > 0 && (clause.toLowerCase().includes(p.toLowerCase()) || ANY_PARTY.test(p)) && isPartyName(p, parties);
  const check = checkSentence(obligation, [1], passages);
  return { party: partyOk ? p : null, obligation: check.verdict === "verified" && check.invented.length === 0 ? obligation : null };
}

export interface AnnotateProgress {
  done: number;
  total: number;
  rows: DeadlineRow[];
}

/** Fills party and obligation with the LLM, a few clauses per prompt; rows are updated in place. */
export async function annotateDeadlines(
  rows: DeadlineRow[],
  llm: LanguageModel,
  opts: { signal?: AbortSignal; onProgress?: (p: AnnotateProgress) => void; parties?: readonly string[] } = {},
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    opts.signal?.throwIfAborted();
    const batch = rows.slice(i, i + BATCH);
    const user = batch.map((r, k) => `[${k + 1}] ${r.clause.slice(0, PROMPT_CLAUSE_CHARS)}`).join("\n\n");
    const res = await llm.generate(
      [
        { role: "system", content: SYSTEM },
        { role: "user", content: user },
      ],
      { maxTokens: 28 * batch.length, temperature: 0, signal: opts.signal },
    );
    if (res.aborted) return;
    const seen = new Set<number>();
    for (const line of res.text.split("\n")) {
      const m = LINE.exec(line);
      if (!m) continue;
      const k = Number(m[1]) - 1;
      const row = batch[k];
      if (!row || seen.has(k)) continue;
      seen.add(k);
      // The model's line replaces the clause's own words only when the clause holds it.
      const checked = checkObligation(row.clause, m[2]!, m[3]!, opts.parties);
      if (!checked.obligation) continue;
      row.party = checked.party ?? row.party;
      row.obligation = checked.obligation;
      row.obligationSource = "model";
    }
    opts.onProgress?.({ done: Math.min(i + BATCH, rows.length), total: rows.length, rows: batch });
  }
}

export interface DeadlineScope {
  documentIds?: string[];
  collectionId?: string;
  anchorDate?: string;
}

/** The readable, indexed documents a request covers (a collection, or named documents). */
export function scopeDocuments(principal: Principal, scope: DeadlineScope): { id: string; name: string }[] {
  const readable = listLibrary(principal).filter((d) => d.status === "indexed");
  if (scope.documentIds?.length) {
    const chosen = scope.documentIds.map((id) => readable.find((d) => d.id === id));
    if (chosen.some((d) => !d)) throw new CairnError("not_found:document", "Document not found.");
    return chosen.map((d) => ({ id: d!.id, name: d!.name }));
  }
  const inCollection = readable.filter((d) => !scope.collectionId || d.collectionId === scope.collectionId);
  if (inCollection.length === 0) throw new CairnError("not_found:document", "No indexed documents in that collection.");
  return inCollection.map((d) => ({ id: d.id, name: d.name }));
}

export async function findDocumentDeadlines(principal: Principal, scope: DeadlineScope): Promise<DocumentDeadlines[]> {
  const out: DocumentDeadlines[] = [];
  for (const d of scopeDocuments(principal, scope)) {
    const { document, pages } = await loadDocumentPages(principal, d.id);
    out.push(extractDeadlines({ documentId: document.id, fileName: document.name, pages }, scope.anchorDate));
  }
  return out;
}
