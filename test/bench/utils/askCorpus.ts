import { PDFDocument, StandardFonts, type PDFFont } from "pdf-lib";
import { rng } from "./syntheticCorpus";

// A 200-page corpus of procedure, contract, safety and service documents for the ask benchmark.
// Every page is different (template sentences with varied tags, numbers and parties), so the
// many look-alike clauses are real distractors; a few distinctive facts sit on known pages.

/** Bump when the generated text changes, so a cached ingested corpus is rebuilt. */
export const ASK_CORPUS_VERSION = "v1";

type Fill = (random: () => number) => string;
const pick = <T>(random: () => number, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const num = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const tag = (random: () => number, prefix: string) => `${prefix}-${num(random, 100, 899)}`;

const EQUIPMENT = ["pump", "compressor", "heat exchanger", "boiler feed pump", "chiller", "cooling tower fan", "conveyor", "transformer", "standby generator", "dosing skid"];
const PARTS = ["mechanical seal", "coupling", "bearing housing", "impeller", "gasket", "drive belt", "strainer basket", "pressure relief valve"];
const PARTIES = ["Supplier", "Customer", "Contractor", "Owner", "Service Provider"];
const GOODS = ["replacement parts", "control panels", "filter cartridges", "instrumentation", "spare motors"];
const PLACES = ["England and Wales", "Scotland", "Ireland", "the State of New York", "Ontario"];
const BUILDINGS = ["Heron Building", "Main Workshop", "Falcon House", "Laboratory Block C", "the North Warehouse", "Osprey Building"];
const SERVICES = ["Atlas", "Borealis", "Cobalt", "Delta", "Ember", "Fjord"];

const PROCEDURE: Fill[] = [
  (r) => `Before starting work on ${pick(r, EQUIPMENT)} ${tag(r, "P")}, confirm that the permit to work is signed by the shift supervisor.`,
  (r) => `Close valve ${tag(r, "V")} and verify that pressure gauge ${tag(r, "PG")} reads below ${num(r, 5, 60)} kPa before opening the casing.`,
  (r) => `Lock out breaker ${tag(r, "B")} and attach a personal danger tag showing your name and the date.`,
  (r) => `Drain the casing into the closed drain system and flush it with demineralised water for ${num(r, 5, 30)} minutes.`,
  (r) => `Record the vibration reading in the maintenance log and report any deviation above ${num(r, 5, 25)} percent to the reliability engineer.`,
  (r) => `Torque the flange bolts of ${pick(r, EQUIPMENT)} ${tag(r, "E")} to ${num(r, 40, 400)} Nm in a cross pattern, in three passes.`,
  (r) => `Inspect the ${pick(r, PARTS)} for wear, corrosion or cracks and replace it if the wear exceeds ${num(r, 1, 6)} mm.`,
  (r) => `After reassembly, remove the locks in the reverse order, open the valves slowly and vent trapped air at the high point ${tag(r, "HV")}.`,
  (r) => `Run the ${pick(r, EQUIPMENT)} for ${num(r, 10, 60)} minutes and check that the bearing temperature stays below ${num(r, 60, 95)} degrees Celsius.`,
  (r) => `Spare ${pick(r, PARTS)}s for unit ${num(r, 1, 40)} are kept in store room ${num(r, 1, 9)}, shelf ${String.fromCharCode(65 + num(r, 0, 7))}.`,
];
const CONTRACT: Fill[] = [
  (r) => `The ${pick(r, PARTIES)} shall pay each undisputed invoice within ${pick(r, [14, 30, 45, 60])} days of receipt.`,
  (r) => `Either party may terminate this Agreement for convenience by giving ${pick(r, [30, 60, 90, 180])} days written notice to the other party.`,
  (r) => `Any notice under this Agreement shall be in writing and delivered by hand, courier or registered mail to the address in Schedule ${num(r, 1, 9)}.`,
  (r) => `The ${pick(r, PARTIES)} shall maintain public liability insurance of not less than ${num(r, 1, 20)} million euros per occurrence.`,
  () => `Neither party shall be liable to the other for any indirect or consequential loss, including loss of profit or loss of data.`,
  (r) => `The warranty period for the ${pick(r, GOODS)} is ${pick(r, [12, 18, 24, 36])} months from the date of acceptance.`,
  (r) => `If delivery is delayed by more than ${num(r, 3, 21)} days, the Customer may claim liquidated damages of ${num(r, 1, 5)} percent of the order value per week.`,
  (r) => `This Agreement is governed by the laws of ${pick(r, PLACES)}, and its courts have exclusive jurisdiction.`,
  (r) => `Disputes shall first be referred to the project managers, who shall meet within ${num(r, 5, 15)} business days of a written request.`,
  (r) => `The ${pick(r, PARTIES)} shall keep all Confidential Information secret for ${num(r, 2, 7)} years after termination or expiry.`,
  (r) => `Prices in Schedule ${num(r, 1, 9)} are fixed for the first ${pick(r, [12, 24])} months and may then be adjusted by the published price index.`,
];
const SAFETY: Fill[] = [
  (r) => `All visitors to the ${pick(r, BUILDINGS)} must sign in at reception and wear a visitor badge at all times.`,
  (r) => `Fire extinguishers on level ${num(r, 0, 6)} are inspected monthly by the facilities team and the date is written on the tag.`,
  (r) => `In case of a chemical spill in laboratory ${tag(r, "L")}, evacuate the room, close the door and call extension ${num(r, 2000, 2999)}.`,
  (r) => `Hearing protection is mandatory in areas where noise exceeds ${pick(r, [80, 85, 87])} dB(A); the areas are marked with blue signs.`,
  (r) => `Hot work in the ${pick(r, BUILDINGS)} requires a fire watch for ${pick(r, [30, 60, 90])} minutes after the work ends.`,
  (r) => `First aid kits are kept beside every stairwell and are checked by the duty first aider every ${pick(r, ["week", "month"])}.`,
  (r) => `Working at height above ${num(r, 1, 3)} metres requires a harness, a rescue plan and a second person present.`,
  (r) => `Forklift trucks in ${pick(r, BUILDINGS)} must not exceed ${num(r, 5, 15)} km/h and must sound the horn at every blind corner.`,
  () => `Report every near miss on the same shift, using the incident form on the intranet or the paper form at the gatehouse.`,
  (r) => `Eye wash stations are flushed weekly for ${num(r, 1, 5)} minutes to keep the water clean.`,
];
const SERVICE: Fill[] = [
  (r) => `The ${pick(r, SERVICES)} platform shall be available ${pick(r, ["99.5", "99.8", "99.9"])} percent of each calendar month, excluding scheduled maintenance.`,
  (r) => `Priority ${num(r, 1, 4)} incidents shall be acknowledged within ${pick(r, [15, 30, 60])} minutes and resolved within ${num(r, 2, 48)} hours.`,
  (r) => `Scheduled maintenance is announced at least ${num(r, 3, 14)} days in advance and takes place on Sundays between 01:00 and 05:00.`,
  (r) => `Service credits for the ${pick(r, SERVICES)} platform are ${num(r, 2, 10)} percent of the monthly fee for each full hour of unavailability.`,
  (r) => `Backups of the ${pick(r, SERVICES)} platform are taken every ${pick(r, [4, 6, 12, 24])} hours and kept for ${pick(r, [30, 60, 90])} days.`,
  (r) => `The Service Provider shall send a monthly report with availability, incident counts and open problems by the ${num(r, 3, 10)}th business day.`,
  () => `Requests for changes are submitted through the service portal and assessed by the change advisory board every Tuesday.`,
  (r) => `The recovery time objective for the ${pick(r, SERVICES)} platform is ${num(r, 2, 12)} hours and the recovery point objective is ${num(r, 1, 4)} hours.`,
  () => `Security incidents affecting personal data shall be reported to the Customer without undue delay.`,
];

export interface PlantedFact {
  /** Document file name and 1-based page the fact is printed on. */
  file: string;
  page: number;
  sentence: string;
  question: string;
  /** Strings a correct answer contains (all of them, case-insensitive). */
  expect: string[];
}

export const PLANTED_FACTS: PlantedFact[] = [
  {
    file: "pump-station-operating-procedures.pdf",
    page: 37,
    sentence: "To isolate cooling water pump CW-417 before maintenance, close suction valve SV-88 and discharge valve DV-89, then lock out breaker MCC-12 at panel 4B.",
    question: "How do I isolate cooling water pump CW-417 before maintenance?",
    expect: ["SV-88", "DV-89", "MCC-12"],
  },
  {
    file: "master-supply-agreement.pdf",
    page: 23,
    sentence: "The Supplier shall deliver the Harrowgate calibration report to the Customer no later than 14 March of each year.",
    question: "When is the Harrowgate calibration report due?",
    expect: ["14 March"],
  },
  {
    file: "site-safety-manual.pdf",
    page: 12,
    sentence: "The emergency assembly point for the Kestrel Building is the north car park beside gate 7.",
    question: "Where is the emergency assembly point for the Kestrel Building?",
    expect: ["gate 7"],
  },
  {
    file: "service-level-agreement.pdf",
    page: 8,
    sentence: "Service credits for the Orion platform are capped at 15 percent of the monthly fee in any calendar month.",
    question: "What is the cap on service credits for the Orion platform?",
    expect: ["15"],
  },
];

/** Not counted: the first answer after loading pays for cold caches. */
export const WARM_UP_QUESTION = "How must notices under the supply agreement be delivered?";

const DOCUMENTS: { file: string; title: string; pages: number; fills: Fill[]; section: string }[] = [
  { file: "pump-station-operating-procedures.pdf", title: "Pump Station Operating Procedures", pages: 60, fills: PROCEDURE, section: "Procedure" },
  { file: "master-supply-agreement.pdf", title: "Master Supply Agreement", pages: 45, fills: CONTRACT, section: "Clause" },
  { file: "site-safety-manual.pdf", title: "Site Safety Manual", pages: 40, fills: SAFETY, section: "Rule" },
  { file: "service-level-agreement.pdf", title: "Service Level Agreement", pages: 25, fills: SERVICE, section: "Schedule" },
  { file: "maintenance-services-contract.pdf", title: "Maintenance Services Contract", pages: 30, fills: [...CONTRACT, ...PROCEDURE.slice(0, 5)], section: "Clause" },
];
export const ASK_CORPUS_PAGES = DOCUMENTS.reduce((s, d) => s + d.pages, 0);

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** ~280 words a page: three paragraphs of template sentences, plus a planted fact where one belongs. */
function pageParagraphs(doc: (typeof DOCUMENTS)[number], page: number, random: () => number): string[] {
  const paragraphs = Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => pick(random, doc.fills)(random)));
  const fact = PLANTED_FACTS.find((f) => f.file === doc.file && f.page === page);
  if (fact) paragraphs[num(random, 0, 2)]!.splice(num(random, 0, 4), 0, fact.sentence);
  return [`${doc.section} ${page}.${num(random, 1, 9)}`, ...paragraphs.map((p) => p.join(" "))];
}

export async function makeAskCorpus(): Promise<{ name: string; bytes: Buffer }[]> {
  const random = rng(2024);
  const out: { name: string; bytes: Buffer }[] = [];
  for (const doc of DOCUMENTS) {
    const pdf = await PDFDocument.create();
    pdf.setTitle(doc.title);
    const font = await pdf.embedFont(StandardFonts.TimesRoman);
    const bold = await pdf.embedFont(StandardFonts.TimesRomanBold);
    for (let p = 1; p <= doc.pages; p++) {
      const page = pdf.addPage([595, 842]);
      page.drawText(`${doc.title}`, { x: 50, y: 800, size: 9, font });
      page.drawText(`Page ${p} of ${doc.pages}`, { x: 480, y: 800, size: 9, font });
      let y = 770;
      const [heading, ...paragraphs] = pageParagraphs(doc, p, random);
      page.drawText(heading!, { x: 50, y, size: 12, font: bold });
      y -= 24;
      for (const para of paragraphs) {
        for (const line of wrap(para, font, 11, 495)) {
          page.drawText(line, { x: 50, y, size: 11, font });
          y -= 15;
        }
        y -= 10;
      }
      if (y < 40) throw new Error(`page ${p} of ${doc.file} overflows (y=${y})`);
    }
    out.push({ name: doc.file, bytes: Buffer.from(await pdf.save()) });
  }
  return out;
}
