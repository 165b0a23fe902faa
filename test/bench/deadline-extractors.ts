// `npm run bench -- deadline-extractors`: which deterministic pass finds dated clauses, measured
// on the check set (test/fixtures/deadlines/contracts.json, 263 clauses in 14 CUAD agreements).
// Every extractor sees the same clause pieces (lib/utils/clauses, furniture left out); a row is a
// piece it finds anything in. Recall: share of marked clauses touched; precision: share of rows
// that are marked clauses. No model; prints a table and writes bench-results/deadline-extractors.json.
import fs from "node:fs";
import path from "node:path";
import { recognizeDateTime } from "@microsoft/recognizers-text-date-time";
import * as chrono from "chrono-node";
import { splitClauses, type Clause } from "@/lib/utils/clauses";
import { findTemporalExpressions } from "@/lib/utils/deadlinePatterns";
import { contractFiles, contractText, loadCheckSet, score, type Row } from "../utils/deadlineCheckSet";
import { round } from "./utils/stats";

const NUM_WORDS = /\b(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|forty-five|sixty|ninety|hundred)[- ]?)+\s*\((\d+)\)/gi;
/** The contract idiom "thirty (30) days" → "30 days": the recognizer never reads the parenthesised digits. */
const normaliseIdiom = (t: string) => t.replace(NUM_WORDS, "$1");

const extractors: Record<string, (text: string) => boolean> = {
  "every number (baseline)": (t) => /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|thirty|sixty|ninety)\b/i.test(t),
  "chrono-node": (t) => chrono.parse(t).length > 0,
  "recognizers-text-date-time": (t) => recognizeDateTime(t, "en-us").length > 0,
  "recognizers + idiom normalised": (t) => recognizeDateTime(normaliseIdiom(t), "en-us").length > 0,
  "Cairn patterns (chosen)": (t) => findTemporalExpressions(t).length > 0,
  "Cairn patterns + chrono-node": (t) => findTemporalExpressions(t).length > 0 || chrono.parse(t).length > 0,
};

const set = loadCheckSet();
const pieces: { file: string; clause: Clause }[] = contractFiles().flatMap((file) => splitClauses([{ page: null, text: contractText(file) }]).map((clause) => ({ file, clause })));
console.log(`${pieces.length} clause pieces in ${contractFiles().length} agreements; ${set.length} marked dated clauses`);

const results = [];
for (const [name, finds] of Object.entries(extractors)) {
  const t0 = performance.now();
  const rows: Row[] = pieces.filter((p) => finds(p.clause.text)).map((p) => ({ file: p.file, start: p.clause.start, end: p.clause.end }));
  const ms = performance.now() - t0;
  const s = score(rows, set);
  const byForm = Object.fromEntries(Object.entries(s.byForm).map(([f, v]) => [f, `${v.found}/${v.clauses}`]));
  results.push({ extractor: name, recall: round(100 * s.recall), precision: round(100 * s.precision), rows: s.rows, found: s.found, ms: round(ms, 0), byForm });
}
console.table(results.map(({ byForm, ...r }) => ({ ...r, ...byForm })));

const root = path.resolve(import.meta.dirname, "../..");
fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench-results", "deadline-extractors.json"), JSON.stringify({ date: new Date().toISOString(), clauses: set.length, pieces: pieces.length, results }, null, 2));
