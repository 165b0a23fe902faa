// "summarize report.pdf", "summarise the discharge summary", "give me a clinical summary of
// CT-2024.pdf focusing on medications": a request for a whole-document summary, told apart from a
// question by its words alone (deterministic, no model), and the document it names resolved
// against the documents the caller may read.

/** lib/summarize SUMMARY_PRESETS keys. */
export type SummaryPreset = "clinical" | "brief" | "key_facts";

export interface SummaryRequest {
  /** The words naming the document, as typed ("report.pdf", "discharge summary"). */
  target: string;
  preset: SummaryPreset;
  /** A free instruction ("Focus on medications."), when the request gives one. */
  instruction?: string;
}

const POLITE = /^(?:(?:please|pls|kindly|hi|hey|ok|okay|now|then|and)[,\s]+|(?:can|could|would|will) you\s+(?:please\s+)?|i(?:'d| would) like(?: you)?(?: to)?\s+|i want(?: you)?(?: to)?\s+|i need\s+)+/i;
const KIND = "(brief|short|quick|clinical|medical|key[- ]facts?)";
const VERB = new RegExp(
  [
    `^(?:${KIND}\\s+)?(?:summari[sz]e|sum up|recap)\\s+`,
    `^(?:give|get|write|make|produce|create|show|prepare)(?:\\s+(?:me|us))?\\s+(?:an?\\s+|the\\s+)?(?:${KIND}\\s+)?summary\\s+(?:of|for)\\s+`,
    `^(?:an?\\s+|the\\s+)?(?:${KIND}\\s+)?summary\\s+(?:of|for)\\s+`,
  ].join("|"),
  "i",
);
const FOCUS = /(?:\s*[,:;—–-]\s*|\s+)(?:focus(?:ing|ed)?\s+on|with\s+(?:a\s+)?focus\s+on|with\s+emphasis\s+on|emphasi[sz]ing|(?:and\s+)?(?:only|just)\s+(?:the\s+)?)\s*(.+)$/i;
const ARTICLE = /^(?:the|this|that|my|our|a|an)\s+/i;
// "summarize what the contract says about X" is a question, not a document.
const QUESTION_WORD = /^(?:what|how|why|which|who|whom|whose|when|where|whether|if|all|every|everything|each|any|it|them|these|those)\b/i;

/** The request, or null when the text is not asking for a summary of one named document. */
export function parseSummaryRequest(text: string): SummaryRequest | null {
  let rest = text.trim().replace(POLITE, "");
  const verb = VERB.exec(rest);
  if (!verb) return null;
  const kind = (verb[1] ?? verb[2] ?? verb[3] ?? "").toLowerCase();
  rest = rest.slice(verb[0].length);
  let instruction: string | undefined;
  const focus = FOCUS.exec(rest);
  if (focus && focus.index > 0) {
    const what = focus[1].replace(/[\s.?!]+$/, "");
    if (what) instruction = `${SUMMARY_FOCUS_PREFIX}${what}.`;
    rest = rest.slice(0, focus.index);
  }
  const target = rest
    .replace(/[\s?!]+$/, "")
    .replace(/\.$/, "")
    .replace(/^\s*["'“‘«]|["'”’»]\s*$/g, "")
    .replace(/\s+(?:please|for me|thanks?|thank you)$/i, "")
    .replace(ARTICLE, "")
    .trim();
  if (!target || QUESTION_WORD.test(target) || target.length > 200) return null;
  const preset: SummaryPreset = /clinical|medical/.test(kind) ? "clinical" : /key/.test(kind) ? "key_facts" : "brief";
  return { target, preset, ...(instruction && { instruction }) };
}

export const SUMMARY_FOCUS_PREFIX = "A summary focusing on ";

export interface CatalogEntry {
  id: string;
  name: string;
  title?: string;
}

export type TargetMatch<T extends CatalogEntry> = { kind: "one"; document: T } | { kind: "ambiguous" | "unknown"; candidates: T[] };

const EXT = /\.[a-z0-9]{1,5}$/i;
// Words that say "a document" without naming one.
const GENERIC = new Set(["document", "file", "pdf", "doc", "docx", "txt", "the", "this", "my", "of", "a", "an"]);

function words(s: string): string[] {
  return s
    .replace(EXT, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !GENERIC.has(w));
}

const norm = (s: string) => words(s).join(" ");

/** A target that could only be a document's name: a file name, or a few words that ask about nothing. */
export function looksLikeDocumentName(target: string): boolean {
  if (EXT.test(target)) return true;
  const ws = target.split(/\s+/);
  return ws.length <= 5 && !ws.some((w) => /^(?:about|regarding|concerning|says?|said|mean|means|between|versus|vs)$/i.test(w));
}

export const MAX_CANDIDATES = 10;

/**
 * The document the target names: its file name (with or without extension) or title exactly, or
 * else the one document whose name holds every word of the target. Several → ambiguous; none → unknown,
 * with the documents sharing a word with the target (or the first few) as candidates.
 */
export function matchDocument<T extends CatalogEntry>(target: string, docs: readonly T[]): TargetMatch<T> {
  const t = target.trim().toLowerCase();
  const tn = norm(target);
  const exact = docs.filter((d) => d.name.toLowerCase() === t);
  if (exact.length === 1) return { kind: "one", document: exact[0] };
  if (exact.length > 1) return { kind: "ambiguous", candidates: exact.slice(0, MAX_CANDIDATES) };
  const strong = tn ? docs.filter((d) => norm(d.name) === tn || (d.title && norm(d.title) === tn)) : [];
  if (strong.length === 1) return { kind: "one", document: strong[0] };
  if (strong.length > 1) return { kind: "ambiguous", candidates: strong.slice(0, MAX_CANDIDATES) };
  const tw = words(target);
  const nameWords = (d: T) => new Set([...words(d.name), ...words(d.title ?? "")]);
  const weak = tw.length ? docs.filter((d) => tw.every((w) => nameWords(d).has(w))) : [];
  if (weak.length === 1) return { kind: "one", document: weak[0] };
  if (weak.length > 1) return { kind: "ambiguous", candidates: weak.slice(0, MAX_CANDIDATES) };
  const sharing = docs.filter((d) => tw.some((w) => nameWords(d).has(w)));
  return { kind: "unknown", candidates: (sharing.length ? sharing : docs).slice(0, MAX_CANDIDATES) };
}
