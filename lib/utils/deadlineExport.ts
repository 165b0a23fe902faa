import { createEvents, type EventAttributes } from "ics";
import { CairnError } from "@/core/errors";

// The deadline table as a spreadsheet (CSV, RFC 4180) and as a calendar (.ics, via the `ics`
// package): one all-day event per row with a resolved date; rows without one are listed in the
// calendar's description of nothing — they stay in the CSV.

export interface ExportRow {
  fileName: string;
  page: number | null;
  party: string | null;
  obligation: string | null;
  deadline: string;
  resolvedDate: string | null;
  clause: string;
  link: string;
}

const COLUMNS: [string, (r: ExportRow) => string][] = [
  ["Document", (r) => r.fileName],
  ["Page", (r) => (r.page === null ? "" : String(r.page))],
  ["Party", (r) => r.party ?? ""],
  ["Obligation", (r) => r.obligation ?? ""],
  ["Deadline as written", (r) => r.deadline],
  ["Resolved date", (r) => r.resolvedDate ?? ""],
  ["Clause", (r) => r.clause],
  ["Link", (r) => r.link],
];

const csvCell = (v: string) => {
  // A leading = + - @ makes spreadsheets run the cell as a formula: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function deadlinesCsv(rows: readonly ExportRow[]): string {
  const lines = [COLUMNS.map(([h]) => h).join(",")];
  for (const r of rows) lines.push(COLUMNS.map(([, get]) => csvCell(get(r))).join(","));
  return lines.join("\r\n") + "\r\n";
}

export function deadlinesIcs(rows: readonly ExportRow[], origin: string): string {
  const events: EventAttributes[] = rows
    .filter((r) => r.resolvedDate)
    .map((r) => {
      const [y, m, d] = r.resolvedDate!.split("-").map(Number) as [number, number, number];
      const who = r.party ? `${r.party}: ` : "";
      return {
        start: [y, m, d],
        duration: { days: 1 },
        title: `${who}${r.obligation ?? r.deadline}`.slice(0, 200),
        description: `${r.deadline}\n\n“${r.clause}”\n\n${r.fileName}${r.page === null ? "" : `, page ${r.page}`}`,
        url: new URL(r.link, origin).toString(),
        productId: "cairn/deadlines",
        calName: "Cairn deadlines",
      };
    });
  if (events.length === 0) {
    throw new CairnError("bad_request:api", "None of these rows has a resolved date; give an anchor date (e.g. the effective date) to compute them, or export CSV.", {
      reason: "no_dates",
    });
  }
  const { error, value } = createEvents(events);
  if (error || !value) throw new CairnError("internal:api", "Could not build the calendar file.", { cause: error });
  return value;
}
