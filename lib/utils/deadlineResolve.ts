import * as chrono from "chrono-node";
import type { TemporalSpan } from "./deadlinePatterns";

// A calendar date for a deadline when one can be computed: a date written in the clause, or a
// period counted from the anchor (the date the user gives, or the document's effective date)
// when the clause counts from the Effective Date / execution of the agreement. Nothing is guessed.

const SMALL: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100,
};

/** "thirty (30)" → 30, "forty-five" → 45, "30 (thirty)" → 30; null when there is no number. */
export function quantityOf(text: string): number | null {
  const digits = /\d+/.exec(text);
  if (digits) return Number(digits[0]);
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  let total = 0;
  for (const w of words) {
    const v = SMALL[w];
    if (v === undefined) continue;
    total = v === 100 ? Math.max(total, 1) * 100 : total + v;
  }
  return total || null;
}

const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

/** A written calendar date ("March 1, 2024", "1st day of August, 2013", "15 JANAURY, 2018", "12/2/2019") as YYYY-MM-DD. */
export function parseWrittenDate(text: string): string | null {
  if (!/\d{4}|\d{1,2}[/-]\d{1,2}[/-]\d{2}/.test(text)) return null;
  const cleaned = text
    .replace(/\bjanaury\b/gi, "January")
    .replace(/(\d)\s+(st|nd|rd|th)\b/gi, "$1$2")
    .replace(/\bday\s+of\s+/gi, "")
    .replace(/,/g, " ");
  const parsed = chrono.parse(cleaned, new Date(2000, 0, 1), { forwardDate: false })[0];
  if (!parsed || !parsed.start.isCertain("year")) return null;
  return isoDay(parsed.start.date());
}

function addPeriod(anchor: Date, n: number, unit: string, businessDays: boolean): Date {
  const d = new Date(anchor.getTime());
  if (/day/.test(unit) && businessDays) {
    let left = n;
    while (left > 0) {
      d.setDate(d.getDate() + 1);
      if (d.getDay() !== 0 && d.getDay() !== 6) left--;
    }
  } else if (/day/.test(unit)) d.setDate(d.getDate() + n);
  else if (/week/.test(unit)) d.setDate(d.getDate() + 7 * n);
  else if (/month/.test(unit)) d.setMonth(d.getMonth() + n);
  else if (/quarter/.test(unit)) d.setMonth(d.getMonth() + 3 * n);
  else if (/year|annum/.test(unit)) d.setFullYear(d.getFullYear() + n);
  else return anchor;
  return d;
}

/** Counts from the agreement's own date (not from a notice, a breach or a delivery). */
const FROM_AGREEMENT_DATE = /\b(?:after|from|following|of|on)\s+(?:the\s+)?(?:Effective\s+Date|execution\s+(?:of\s+)?(?:this|the)\s+(?:Agreement|Contract)|date\s+of\s+(?:this|the)\s+(?:Agreement|Contract)|signing)|\bcommenc\w*\s+on\s+the\s+Effective\s+Date/i;

export interface Resolution {
  date: string;
  /** How it was computed, shown beside it. */
  how: string;
}

export function resolveDeadline(clause: string, spans: readonly TemporalSpan[], anchor: { date: string; label: string } | null): Resolution | null {
  for (const s of spans) {
    if (s.kind !== "date") continue;
    const date = parseWrittenDate(s.text);
    if (date) return { date, how: "written in the clause" };
  }
  if (!anchor || !FROM_AGREEMENT_DATE.test(clause)) return null;
  const duration = spans.find((s) => s.kind === "duration");
  if (!duration) return null;
  const n = quantityOf(duration.text);
  const unit = /(days?|weeks?|months?|quarters?|years?|annum)\b/i.exec(duration.text)?.[1]?.toLowerCase();
  if (!n || !unit) return null;
  const [y, m, d] = anchor.date.split("-").map(Number) as [number, number, number];
  const end = addPeriod(new Date(y, m - 1, d), n, unit, /business|working|banking/i.test(duration.text));
  return { date: isoDay(end), how: `${duration.text} from ${anchor.label} (${anchor.date})` };
}
