// The deterministic pass of the deadline finder: every expression in a clause that sets a
// date, a period, a frequency or a deadline, as written. Chosen by measurement on
// test/fixtures/deadlines/contracts.json (bench: `npm run bench -- deadline-extractors`):
// these patterns beat chrono-node and @microsoft/recognizers-text-date-time on contract
// idiom ("thirty (30) days", "30 (thirty) banking days", "[***] hours", event triggers).

export type TemporalKind = "date" | "duration" | "frequency" | "ordinal" | "event";

export interface TemporalSpan {
  start: number;
  end: number;
  text: string;
  kind: TemporalKind;
}

const NUM_WORD =
  "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)";
const NUM_WORDS = `${NUM_WORD}(?:[- ](?:and[- ])?${NUM_WORD})*`;
const PAREN = String.raw`\(\s*(?:\d+|${NUM_WORDS})\s*\)`;
const REDACTED = String.raw`\[\s*\*+\s*\]`;
// "thirty (30)", "30 (thirty)", "(30)", "30", "thirty", "[***]"
const QUANTITY = String.raw`(?:(?:\d+(?:\.\d+)?|${NUM_WORDS})(?:\s*${PAREN})?|${PAREN}|${REDACTED})`;
const QUALIFIER = "(?:business|working|calendar|consecutive|banking|natural|full|clear|successive)";
const UNIT = "(?:days?|weeks?|months?|years?|quarters?|hours?|minutes?|annum)";
const MONTH =
  "(?:january|february|march|april|may|june|july|august|september|october|november|december|janaury|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\\.?";
const ORDINAL =
  "(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|fifteenth|twentieth|thirtieth|last|\\d+\\s?(?:st|nd|rd|th))(?:\\s*\\(\\s*\\d+\\s?(?:st|nd|rd|th)\\s*\\))?";
const EVENT_NOUN =
  "(?:expiration|expiry|expire[sd]?|termination|terminat\\w*|receipt|execution|signing|closing|completion|delivery|service|occurrence|commencement|effective date|date|leaving|printing|shipment|disclosure|acknowledg\\w*|season|end|launch|approval|posting|mailing|deposit|transmission|demand|arrival|issuance|achievement|sale|invoice|notification|purchase|installation|start|beginning|conclusion|commence\\w*|expir\\w*)";

const PATTERNS: { kind: TemporalKind; source: string }[] = [
  // Durations and periods: "within thirty (30) days", "30 (thirty) banking days", "a sixty (60) period", "[***]hours", "10-day"
  { kind: "duration", source: String.raw`\b(?:at least |not less than |no less than |up to |within |period of |for )?${QUANTITY}\s*[- ]?\s*(?:${QUALIFIER}\s*)?(?:${UNIT}|period)\b` },
  { kind: "duration", source: String.raw`(?:\b(?:within|period of|at least|no later than|not later than|rolling)\s*${REDACTED}\s*(?:\w+)?)` },
  { kind: "duration", source: String.raw`\b(?:an? |additional |each )(?:${QUALIFIER} )?(?:day|week|month|year|quarter)s?[- ]period\b` },
  // Calendar dates: "March 1, 2024", "1st day of August, 2013", "15 JANAURY, 2018", "12/2/2019", "2-6-2020", "___ day of ____, 2004", "[·], 2019", "the year 2009", "1999 season"
  { kind: "date", source: String.raw`\b${MONTH}\s+\d{1,2}(?:st|nd|rd|th)?,?\s*\d{4}\b` },
  { kind: "date", source: String.raw`\b\d{1,2}\s?(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?${MONTH},?\s*(?:\d{4}\b)?` },
  { kind: "date", source: String.raw`\b${MONTH},?\s+\d{4}\b` },
  { kind: "date", source: String.raw`\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b` },
  { kind: "date", source: String.raw`_{2,}\s*day\s+of\s*_*,?\s*(?:\d{4})?|\[\s*[·.]\s*\],?\s*\d{4}` },
  { kind: "date", source: String.raw`\b(?:the |for the |during the |throughout the |year )\d{4}(?: (?:regular )?season)?\b|\b(?:in|for|during) (?:the year )?(?:19|20)\d\d\b` },
  { kind: "date", source: String.raw`\b(?:March|June|September|December) 3[01]\b` },
  // Frequencies: "monthly", "per annum", "each Calendar Quarter", "every ten (10) year term", "N per year"
  {
    kind: "frequency",
    source: String.raw`\b(?:daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly|annually|annual|yearly|semi-?annual(?:ly)?)\b|\b(?:per|a|each|every|for each|at the end of each)\s+(?:calendar\s+|fiscal\s+|royalty\s+)?(?:day|week|month|year|annum|quarter|period|royalty period|${REDACTED})\b|\bevery\s+${QUANTITY}|\bat the end of each\b`,
  },
  // Ordinals and anniversaries: "the fifteenth (15th) day of each calendar month", "fifth anniversary", "last day of the month"
  { kind: "ordinal", source: String.raw`\b${ORDINAL}\s+(?:business\s+)?(?:day|anniversary|month|year|quarter|week)\b|\banniversar(?:y|ies)\b` },
  // Deadlines anchored on an event, with or without a number
  { kind: "event", source: String.raw`\b(?:no|not) later than\b|\bon or (?:before|after|about)\b|\bin advance of\b|\bfor so long as\b|\bfrom and after\b|\bup to and including\b|\bon this date\b` },
  {
    kind: "event",
    source: String.raw`\b(?:effective as (?:of|from)|as (?:of|from) the|upon|until|till|following|after|before|prior to|commenc\w*(?: on| upon)?|once|throughout|at)\s+(?:the\s+|such\s+|its\s+|this\s+|each\s+|any\s+|a\s+|an\s+)?(?:[\w'-]+\s+){0,3}?${EVENT_NOUN}\b(?:\s+of\s+(?:the\s+|this\s+)?[\w-]+(?:\s+(?:Date|Program|Period|Term))?)?`,
  },
  { kind: "event", source: String.raw`\buntil\s+(?:the\s+)?(?:\w+\s+){0,2}(?:shall|has|have|is|are)\b|\bonce\s+this\s+\w+\s+has\b|\b(?:shall|will)\s+expire\b|\bimmediately upon\b` },
  { kind: "event", source: String.raw`"(?:Effective|Delivery|Closing|Termination|Commencement)[\w\s]*Date"\s+means\b|"[\w\s]*(?:Period|Term)"\s+means\s+(?:the|a)\s+period\b|\b(?:commence|continue|remain in effect|in full force)\b[^.;]{0,40}\b(?:until|for so long as)\b` },
  {
    kind: "event",
    source: String.raw`"[\w\s-]*Date"[^.;]{0,60}\bmeans\b|\bperiod (?:from|commencing|beginning|ending)\b|\bfrom\s+the\s+Effective Date\b|\bnext (?:succeeding )?(?:business )?day\b|\bin (?:the )?(?:case|event) of (?:the )?(?:expiration|expiry|termination)\b|\bthe date (?:it|on which|that|the|of)\b|\b(?:during|following|after|throughout) the (?:Initial|Renewal|Transition|Post [\w ]{0,30}) (?:Term|Period)\b|\bYear \d+\b`,
  },
  { kind: "event", source: String.raw`\bwithin (?:the )?time\s*(?:established|according|set|specified|agreed)\b` },
];

const COMPILED = PATTERNS.map((p) => ({ kind: p.kind, re: new RegExp(p.source, "gi") }));

// Specific kinds beat "event" when spans overlap, so a row reads "within thirty (30) days", not "after the receipt".
const RANK: Record<TemporalKind, number> = { date: 0, duration: 1, ordinal: 2, frequency: 3, event: 4 };

/** Every temporal expression in `text`, overlapping finds merged into the widest span. */
export function findTemporalExpressions(text: string): TemporalSpan[] {
  const raw: TemporalSpan[] = [];
  for (const { kind, re } of COMPILED) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].trim().length === 0) {
        re.lastIndex++;
        continue;
      }
      const lead = m[0].length - m[0].trimStart().length;
      raw.push({ start: m.index + lead, end: m.index + m[0].trimEnd().length, text: "", kind });
    }
  }
  raw.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: TemporalSpan[] = [];
  for (const s of raw) {
    const last = merged.at(-1);
    // Overlapping, or apart by a space only ("no later than" + "30 days" + "after the Effective Date"): one expression.
    if (last && (s.start <= last.end || /^[ \t]?$/.test(text.slice(last.end, s.start)))) {
      last.end = Math.max(last.end, s.end);
      if (RANK[s.kind] < RANK[last.kind]) last.kind = s.kind;
    } else merged.push({ ...s });
  }
  for (const s of merged) s.text = text.slice(s.start, s.end);
  return merged;
}

/** True for expressions that fix something in time by themselves (not only by naming an event). */
export function isQuantified(kind: TemporalKind): boolean {
  return kind !== "event";
}
