// The labelled fields of a clinical report ("PREOPERATIVE DIAGNOSIS: …", "ESTIMATED BLOOD LOSS: 300 cc",
// "MEDICATIONS: …") and the sentences giving a dose, copied verbatim so a summary keeps them
// whatever the model writes. Medical transcriptions separate fields with a capitalised label and a
// colon (or, in exports that lost their line breaks, a comma).

export interface ClinicalField {
  /** "Preoperative diagnosis"; null for a dose sentence found outside a field. */
  label: string | null;
  /** The field's value (or the sentence) as written, whitespace collapsed. */
  text: string;
  /** Offsets into the text it was found in (the value's, or the sentence's). */
  start: number;
  end: number;
}

// Labels a clinical summary must keep: diagnoses, medications and doses, procedures, figures, follow-up.
const KEEP = /DIAGNOS|IMPRESSION|ASSESSMENT|OPERATION|PROCEDURE|ANESTHESIA|BLOOD LOSS|FLUIDS|MEDICATION|\bMEDS\b|ALLERG|PLAN\b|RECOMMENDATION|FOLLOW|DISPOSITION|COMPLICATION|IMPLANT|FINDINGS|CHIEF COMPLAINT/;
const LABEL = /(?:^|[\n.,;]\s*)([A-Z][A-Z/&()-]*(?: [A-Z/&()-]+){0,5})\s*(?::|,(?=\s*(?:\d\.|[A-Z])))/g;
const DOSE = /\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|g|mL|ml|cc|units?|IU|mEq|mmol|%)(?:\/(?:kg|day|h|hr|min))?\b/;
// A long value is a narrative ("PROCEDURE IN DETAIL: The patient was brought…"): left to the model,
// except for these, whose first sentences are kept.
const KEEP_OPENING = /DIAGNOS|IMPRESSION|ASSESSMENT|PLAN\b|RECOMMENDATION|FOLLOW|DISPOSITION|MEDICATION|\bMEDS\b/;
const MAX_VALUE = 360;

function sentenceCase(label: string): string {
  return label.charAt(0) + label.slice(1).toLowerCase();
}

/** Fields whose label is a clinical one, in document order; a value over 360 characters ends at its last sentence end before that. */
export function clinicalFields(text: string): ClinicalField[] {
  const labels = [...text.matchAll(LABEL)]
    .filter((m) => m[1].replace(/[^A-Z]/g, "").length >= 3)
    .map((m) => ({ label: m[1], start: m.index + m[0].indexOf(m[1]), valueStart: m.index + m[0].length }));
  const out: ClinicalField[] = [];
  const taken: [number, number][] = [];
  for (const [i, l] of labels.entries()) {
    if (!KEEP.test(l.label)) continue;
    const stop = i + 1 < labels.length ? labels[i + 1].start : text.length;
    let raw = text.slice(l.valueStart, stop);
    if (raw.length > MAX_VALUE) {
      if (!KEEP_OPENING.test(l.label) && !/^[\s,]*1[.)]/.test(raw)) continue;
      const cut = raw.slice(0, MAX_VALUE).search(/[.!?](?=[^.!?]*$)/);
      if (cut < 20) continue;
      raw = raw.slice(0, cut + 1);
    }
    const value = raw.replace(/\s+/g, " ").replace(/^[\s,.;:]+|[\s,;:]+$/g, "");
    // "POSTOPERATIVE DIAGNOSIS" repeating the preoperative one word for word is said once.
    taken.push([l.start, stop]);
    if (!/[A-Za-z0-9]/.test(value) || out.some((f) => f.text === value)) continue;
    out.push({ label: sentenceCase(l.label.trim()), text: value, start: l.valueStart, end: l.valueStart + raw.length });
  }
  // Dose sentences outside the fields ("Full-dose heparin was given" has no figure; "given 4 mg of Zofran" has).
  for (const m of text.matchAll(/[^.!?\n]*[.!?]?/g)) {
    const s = m[0];
    if (!DOSE.test(s) || s.length > MAX_VALUE) continue;
    const start = m.index;
    const end = start + s.length;
    if (taken.some(([a, b]) => a < end && start < b)) continue;
    const value = s.replace(/\s+/g, " ").trim();
    if (value) out.push({ label: null, text: value, start, end });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** An instruction that asks for the clinical facts (the preset, or a free one naming them). */
export function wantsClinicalFields(instruction: string): boolean {
  return /\bclinical\b|\bmedications?\b|\bdoses?\b|\bdiagnos[ei]s\b/i.test(instruction);
}
