import fs from "node:fs";
import path from "node:path";

// The deadline check set (test/fixtures/deadlines/contracts.json): every clause of the 14 CUAD
// agreements in ../shared/fixtures/contracts that sets a date, a period, a frequency or a
// deadline, as offsets into the agreement's text, with the deadline as written.

export const CONTRACTS_DIR = path.resolve(import.meta.dirname, "../../../shared/fixtures/contracts");
const CHECK_SET = path.resolve(import.meta.dirname, "../fixtures/deadlines/contracts.json");

export interface DatedClause {
  file: string;
  start: number;
  end: number;
  quote: string;
  deadline: string;
  form: "date" | "duration" | "frequency" | "ordinal" | "event";
}

export function loadCheckSet(): DatedClause[] {
  return JSON.parse(fs.readFileSync(CHECK_SET, "utf8")) as DatedClause[];
}

export function contractFiles(): string[] {
  return fs.readdirSync(CONTRACTS_DIR).filter((f) => f.endsWith(".txt")).sort();
}

export function contractText(file: string): string {
  return fs.readFileSync(path.join(CONTRACTS_DIR, file), "utf8");
}

export interface Row {
  file: string;
  start: number;
  end: number;
}

export interface Score {
  clauses: number;
  found: number;
  recall: number;
  rows: number;
  realRows: number;
  precision: number;
  missed: DatedClause[];
  byForm: Record<string, { clauses: number; found: number }>;
}

/** A clause is found when a row overlaps it; a row is real when it overlaps a marked clause. */
export function score(rows: readonly Row[], set: readonly DatedClause[]): Score {
  const overlaps = (r: Row, c: DatedClause) => r.file === c.file && r.start < c.end && c.start < r.end;
  const missed = set.filter((c) => !rows.some((r) => overlaps(r, c)));
  const realRows = rows.filter((r) => set.some((c) => overlaps(r, c))).length;
  const byForm: Score["byForm"] = {};
  for (const c of set) {
    const f = (byForm[c.form] ??= { clauses: 0, found: 0 });
    f.clauses++;
    if (!missed.includes(c)) f.found++;
  }
  return {
    clauses: set.length,
    found: set.length - missed.length,
    recall: (set.length - missed.length) / set.length,
    rows: rows.length,
    realRows,
    precision: rows.length ? realRows / rows.length : 0,
    missed,
    byForm,
  };
}
