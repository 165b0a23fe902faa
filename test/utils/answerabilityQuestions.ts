import { readFileSync } from "node:fs";
import path from "node:path";

// The answerability question set (test/fixtures/answerability/questions.json): questions
// about documents nobody here wrote (../shared/fixtures), answerable ones with a gold span,
// near-miss ones naming the terms whose absence makes them unanswerable.

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const sharedFixturesDir = path.resolve(repoRoot, "../shared/fixtures");
export const questionsPath = path.resolve(repoRoot, "test/fixtures/answerability/questions.json");
/** Written after the heuristics were tuned on questions.json, before Cairn was measured on it: never tune on it. */
export const heldoutQuestionsPath = path.resolve(repoRoot, "test/fixtures/answerability/heldout.json");
/** A second held-out set, written by someone who had not read the gate or claim-check code: never tune on it either. */
export const heldout2QuestionsPath = path.resolve(repoRoot, "test/fixtures/answerability/heldout2.json");
/** A third held-out set, written blind this session: never tune on it. */
export const heldout3QuestionsPath = path.resolve(repoRoot, "test/fixtures/answerability/heldout3.json");

/** "tuned": the set the checks were developed on; "heldout", "heldout2", "heldout3": later sets kept for measuring generalisation. */
export type QuestionSet = "tuned" | "heldout" | "heldout2" | "heldout3";
export const questionSets: readonly QuestionSet[] = ["tuned", "heldout", "heldout2", "heldout3"];
const questionPaths: Record<QuestionSet, string> = {
  tuned: questionsPath,
  heldout: heldoutQuestionsPath,
  heldout2: heldout2QuestionsPath,
  heldout3: heldout3QuestionsPath,
};

export type QuestionKind = "answerable" | "near_miss";

export interface AnswerabilityQuestion {
  id: string;
  kind: QuestionKind;
  /** Relative to ../shared/fixtures: "contracts/<file>.txt", "medical/<file>.txt", "real-world/pdf/<file>.pdf". */
  file: string;
  question: string;
  /** Answerable only: the sentence or clause holding the answer, and the value it states. */
  gold?: { quote: string; value: string };
  /** Near-miss only: terms (case-insensitive) that occur nowhere in `file`. */
  absent?: string[];
  /** Near-miss from outside the documents' fields: `absent` terms occur in no fixture file. */
  outOfDomain?: boolean;
}

export function loadAnswerabilityQuestions(set: QuestionSet = "tuned"): AnswerabilityQuestion[] {
  return JSON.parse(readFileSync(questionPaths[set], "utf8")) as AnswerabilityQuestion[];
}

/** The set a bench or dev loop runs on: BENCH_SET=heldout, heldout2 or heldout3, else the tuned set. */
export function benchQuestionSet(): QuestionSet {
  const set = process.env.BENCH_SET ?? "tuned";
  if (!(questionSets as readonly string[]).includes(set)) throw new Error(`BENCH_SET must be one of ${questionSets.join(", ")}, not "${set}"`);
  return set as QuestionSet;
}

export function fixturePath(file: string): string {
  return path.resolve(sharedFixturesDir, file);
}

/** The document group a question belongs to: "pdf" for PDFs, else its fixture folder ("contracts", "medical"). */
export function questionGroup(q: AnswerabilityQuestion): string {
  return q.file.endsWith(".pdf") ? "pdf" : q.file.split("/")[0]!;
}

/** The file's text as Cairn reads it: .txt as is, .pdf through ingest/parse/pdf (pages joined by a newline). */
export async function fixtureText(file: string): Promise<string> {
  const bytes = readFileSync(fixturePath(file));
  if (!file.endsWith(".pdf")) return bytes.toString("utf8");
  const { parsePdf } = await import("@/ingest/parse/pdf");
  const parsed = await parsePdf(new Uint8Array(bytes), path.basename(file));
  return parsed.pages.map((p) => p.text).join("\n");
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ");
}
