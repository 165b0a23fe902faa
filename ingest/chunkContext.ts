import type { ParsedDocument } from "./types";

// What a chunk is indexed with besides its own words: the document's title, the parties its
// preamble names, and the clause it sits in. An agreement's governing-law clause says "the laws
// of the State of Delaware" and never the parties' names; with this header the clause is found
// by "which law governs the Kubient / Associated Press agreement". The header is embedded and
// keyword-indexed, never quoted: a chunk's text and offsets stay exactly the page's.

export interface DocumentContext {
  title: string;
  /** Parties or defined names from the preamble (empty for documents without one). */
  parties: string[];
}

export interface Clause {
  /** Page-text offset where the clause number (or heading) starts. */
  start: number;
  /** Nesting: 0 for ARTICLE / caps headings, else the number's parts ("12." 1, "12.3" 2, "5(b)" 2). */
  depth: number;
  /** "12. Governing Law", "5.1 TERM OF AGREEMENT", "ARTICLE IV", "ESTIMATED BLOOD LOSS". */
  label: string;
  /** Inline caps headings ("ESTIMATED BLOOD LOSS:") are not the parent of numbered clauses. */
  kind?: "heading";
  /** ARTICLE n / Section n / n.m: its leading number, so "7." does not nest under "ARTICLE 6". */
  major?: number;
}

const ROMAN: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100 };
function numberOf(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  if (!/^[IVXLC]+$/.test(token)) return undefined;
  let n = 0;
  for (let i = 0; i < token.length; i++) {
    const v = ROMAN[token[i]!]!;
    n += i + 1 < token.length && ROMAN[token[i + 1]!]! > v ? -v : v;
  }
  return n;
}

const MAX_TITLE = 120;
const MAX_PARTIES = 6;
const PREAMBLE_CHARS = 3_000;

/** Roles and defined terms every agreement has: they name no particular document. */
const GENERIC_NAMES = new Set(
  `agreement contract amendment effective date execution date party parties company customer client supplier suppliers vendor seller buyer purchaser
  distributor reseller licensor licensee manufacturer consultant principal sponsor manager partnership partners partner contractor owner provider
  service provider services products product territory documentation trademarks trademark property recipient discloser employee employer agent lender
  borrower landlord tenant shareholder shareholders investor affiliate affiliates term initial term renewal term fee fees royalty schedule exhibit
  confidential information intellectual property licensed mark marks network software work works deliverables project plan commodity buyer's seller's
  guarantor indemnitee indemnitees members member board act code rules us we you`
    .split(/\s+/)
    .filter(Boolean),
);
const GENERIC_PHRASES = new Set(["effective date", "service provider", "confidential information", "intellectual property", "initial term", "renewal term", "licensed mark"]);

const isGeneric = (name: string) => {
  const n = name.toLowerCase().replace(/^the\s+/, "").trim();
  return GENERIC_NAMES.has(n) || GENERIC_PHRASES.has(n) || n.split(/\s+/).length > 8 || !/[a-z]/i.test(n);
};

/** A file name as a title: no extension, separators as spaces. */
export function titleFromFileName(fileName: string): string {
  return fileName
    .replace(/\.[a-z0-9]{1,5}$/i, "")
    .replace(/[_]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function cleanTitle(title: string | undefined): string | undefined {
  const t = (title ?? "").replace(/^Microsoft (?:Word|PowerPoint) - /i, "").replace(/\s+/g, " ").trim();
  if (t.length < 3 || /^(untitled|document\d*|title)$/i.test(t)) return undefined;
  return t;
}

/** The title (metadata or first heading, else the file name) and the preamble's parties. */
export function documentContext(doc: Pick<ParsedDocument, "title" | "pages">, fileName: string): DocumentContext {
  const fromName = titleFromFileName(fileName);
  const own = cleanTitle(doc.title);
  // Both when they differ: users name a document by either.
  const title = (own && own.toLowerCase() !== fromName.toLowerCase() ? `${own} (${fromName})` : fromName).slice(0, MAX_TITLE);
  const first = doc.pages.find((p) => p.text.trim())?.text ?? "";
  return { title, parties: preambleParties(first) };
}

const SUFFIX = String.raw`(?:Inc|INC|Incorporated|LLC|L\.L\.C|Ltd|LTD|Limited|LIMITED|Corporation|CORPORATION|Corp|CORP|plc|PLC|S\.A|SA|GmbH|LLP|L\.P|AG|N\.V|B\.V|Pty|PTY)\b\.?`;
const NAME_WORD = String.raw`(?:[A-Z][A-Za-z0-9&'’\-]*\.?|&|of|and|de|la)`;
const COMPANY = new RegExp(String.raw`\b([A-Z][A-Za-z0-9&'’\-]*\.?(?:,?\s+${NAME_WORD}){0,5}?,?\s+${SUFFIX})`, "g");
const INDIVIDUAL = /\b([A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+),?\s+an individual/g;
const DESCRIBED = /\b((?:The\s+)?(?:[A-Z][\w&'’-]*\s+){0,4}[A-Z][\w&'’-]*),\s+an?\s+(?:[\w-]+\s+){0,4}?(?:corporation|company|partnership|association|limited liability company|not-for-profit corporation|individual)\b/g;
const PREFIXED = /\b((?:JSC|OJSC|CJSC|OOO|LLP|TOO)\s+(?:NOC\s+)?[A-Z][\w-]+)/g;
const DEFINED = /\(\s*(?:the\s+|hereinafter(?:\s+referred\s+to\s+as)?\s+(?:the\s+)?)?["“'‘]([^"”'’()]{2,40})["”'’]\s*\)/g;

/** Parties and defined names in the preamble (before the recitals or the first clause). */
export function preambleParties(pageText: string): string[] {
  let text = pageText.slice(0, PREAMBLE_CHARS).replace(/\s+/g, " ");
  const end = text.search(/\b(?:WHEREAS|W I T N E S S E T H|WITNESSETH|R\s?E\s?C\s?I\s?T\s?A\s?L\s?S|NOW,? THEREFORE|BACKGROUND)\b/);
  if (end > 200) text = text.slice(0, end);
  const found: { at: number; name: string }[] = [];
  const add = (at: number, raw: string) => {
    const name = raw.replace(/[,\s]+$/, "").replace(/^(?:and|between|by|among|with)\s+/i, "").trim();
    if (name.length >= 2 && !isGeneric(name)) found.push({ at, name });
  };
  for (const re of [COMPANY, INDIVIDUAL, DESCRIBED, PREFIXED, DEFINED]) for (const m of text.matchAll(re)) add(m.index, m[1]!);
  found.sort((a, b) => a.at - b.at);
  const out: string[] = [];
  for (const { name } of found) {
    const key = name.toLowerCase();
    // "PIVX CORPORATION" and "PivX Corporation": once; a name inside a longer one adds nothing.
    if (out.some((o) => o.toLowerCase().includes(key))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (key.includes(out[i]!.toLowerCase())) out.splice(i, 1);
    out.push(name);
    if (out.length >= MAX_PARTIES) break;
  }
  return out;
}

// A clause starts at a line start, or after a sentence's end, with its number or heading.
const LEAD = String.raw`(?:^|(?<=\n)[ \t]*|(?<=[.;:!?]["”)]?[ \t]+)|(?<=\.,)|(?<=[.:],[ \t]))`;
const ARTICLE = new RegExp(String.raw`${LEAD}((?:ARTICLE|Article)\s+(?:[IVXLC]+|\d{1,2})\b\.?)`, "g");
const SECTION = new RegExp(String.raw`${LEAD}((?:SECTION|Section)\s+(\d{1,2}(?:\.\d{1,2}){0,3})((?:\([a-z0-9]{1,3}\))*)\.?)(?=[\s:])`, "g");
const NUMBERED = new RegExp(String.raw`${LEAD}((\d{1,2})\.((?:\d{1,2}\.?){0,3}))(?=[ \t]+["“(]?[A-Z])`, "g");
// An inline caps heading ("ESTIMATED BLOOD LOSS:") only after a sentence's end, a blank line or
// the start: a PDF line that happens to start inside capitals ("...THE\nFOREGOING EXCLUSIONS AND
// LIMITATIONS SHALL APPLY:") is not one. At most six words.
const CAPS_LEAD = String.raw`(?:^|(?<=\n[ \t]*\n)[ \t]*|(?<=[.;:!?]["”)]?\s+)|(?<=\.,)|(?<=[.:],[ \t]))`;
const CAPS_HEADING = new RegExp(String.raw`${CAPS_LEAD}([A-Z][A-Z&/()\-]*(?:[ \t]+[A-Z&/()\-]+){0,5}):`, "g");

/** The heading words after a clause number: a run of capitals, or a short capitalised phrase up to its full stop. */
function headingAfter(text: string, from: number): string {
  const rest = text.slice(from, from + 90).replace(/^[ \t]+/, "");
  // A run of capitalised words ("GOVERNING LAW"), ending at punctuation or where the sentence starts.
  const words: string[] = [];
  for (const m of rest.matchAll(/([A-Z][A-Z'’&/-]*)([.,;:]?)(\s+|$)/gy)) {
    words.push(m[1]!);
    if (m[2] || words.length >= 8) break;
  }
  if (words.length > 1 && /^[A-Z][a-z]/.test(rest.slice(rest.indexOf(words.at(-1)!) ))) words.pop();
  if (words.join("").replace(/[^A-Z]/g, "").length >= 3) return words.join(" ");
  const phrase = /^([A-Z][^.:\n]{1,60}?)[.:](?:\s|$)/.exec(rest);
  if (phrase) {
    const words = phrase[1]!.trim().split(/\s+/);
    const capitalised = words.filter((w) => /^[A-Z0-9(]/.test(w)).length;
    if (words.length <= 6 && capitalised >= Math.ceil(words.length * 0.6)) return phrase[1]!.trim();
  }
  // "1.3 Renewal This agreement will…": title-case words, then the sentence's first word.
  const lead = /^((?:[A-Z][a-z'’-]+\s+){1,4}?)(?:This|The|Each|Either|Any|All|If|In|No|Neither|Notwithstanding|Subject|Unless|Upon|Within|Except)\s/.exec(rest);
  if (lead) return lead[1]!.trim();
  return "";
}

const PREAMBLE_WORDS = /^(?:BETWEEN|AND|WITNESSETH|W I T N E S S E T H|RECITALS|R E C I T A L S|WHEREAS|NOW,? THEREFORE|BY AND BETWEEN|AMONG)$/;

/** Numbered clauses and headings in a page's text, in order. */
export function findClauses(text: string): Clause[] {
  const out: Clause[] = [];
  for (const m of text.matchAll(ARTICLE)) {
    const heading = headingAfter(text, m.index + m[1]!.length);
    out.push({ start: m.index, depth: 0, major: numberOf(m[1]!.split(/\s+/)[1]!.replace(/\.$/, "")), label: `${m[1]!.replace(/\.$/, "").replace(/\s+/g, " ")}${heading ? ` ${heading}` : ""}` });
  }
  for (const m of text.matchAll(SECTION)) {
    const parts = m[2]!.split(".").length + (m[3] ? m[3].split("(").length - 1 : 0);
    const heading = headingAfter(text, m.index + m[1]!.length);
    out.push({ start: m.index, depth: parts, major: Number(m[2]!.split(".")[0]), label: `${m[1]!.replace(/\.$/, "")}${heading ? ` ${heading}` : ""}` });
  }
  for (const m of text.matchAll(NUMBERED)) {
    const depth = 1 + (m[3] ? m[3].split(".").filter(Boolean).length : 0);
    const heading = headingAfter(text, m.index + m[1]!.length);
    out.push({ start: m.index, depth, major: Number(m[2]), label: `${m[1]}${heading ? ` ${heading}` : ""}` });
  }
  for (const m of text.matchAll(CAPS_HEADING)) {
    // At least two capitals in a row and a word of three letters: not "I:" or "A.B:".
    if (!/[A-Z]{3}/.test(m[1]!) || PREAMBLE_WORDS.test(m[1]!)) continue;
    out.push({ start: m.index, depth: 0, label: m[1]!.replace(/\s+/g, " ").trim(), kind: "heading" });
  }
  out.sort((a, b) => a.start - b.start || a.depth - b.depth);
  return out.filter((c, i) => i === 0 || c.start !== out[i - 1]!.start);
}

/** The clause path at each clause start: outer clauses kept while the numbering nests. */
/** `stack`: the open clauses where the previous page ended (updated in place), so a page continues its numbering. */
export function clausePaths(clauses: readonly Clause[], stack: Clause[] = []): (Clause & { path: string[] })[] {
  return clauses.map((c) => {
    const outer = (s: Clause) => s.depth < c.depth && s.kind !== "heading" && (s.major === undefined || c.major === undefined || s.major === c.major);
    while (stack.length && !outer(stack.at(-1)!)) stack.pop();
    stack.push(c);
    return { ...c, path: stack.map((s) => s.label) };
  });
}

/** The header a chunk is embedded and keyword-indexed with (never shown as its quote). */
export function contextHeader(ctx: DocumentContext, headingPath: readonly string[]): string {
  const lines = [ctx.title];
  if (ctx.parties.length) lines.push(`Parties: ${ctx.parties.join("; ")}`);
  if (headingPath.length) lines.push(`Section: ${headingPath.join(" > ")}`);
  return lines.join("\n");
}
