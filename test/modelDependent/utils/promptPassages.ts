import type { ChatMessage } from "@/models/types";

// Reading the prompt a model was given: the passages as numbered there, and lines quoting them.

/** The text of the passage numbered `n` in the prompt the model was given. */
export function promptPassage(messages: ChatMessage[], n: number): string | undefined {
  const user = messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  return new RegExp(`<passage n="${n}"(?:\\s+[a-z]+="[^"]*")*>\\n([\\s\\S]*?)\\n</passage>`).exec(user)?.[1];
}

/**
 * A line quoting the first whole sentence of passage `n` with `markers` before its full stop, as
 * stream pieces split inside the markers ("[", "9", "]"), the way a model streams them: a sentence
 * any passage-checking accepts, so a test can rely on it being kept, and on the markers it carries.
 */
export function quotingLine(messages: ChatMessage[], n: number, markers: number[]): string[] {
  const text = promptPassage(messages, n);
  if (text === undefined) throw new Error(`The prompt has no passage ${n}`);
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  const sentences = [...segmenter.segment(text.replace(/\s+/g, " ").trim())].map((s) => s.segment.trim());
  const sentence = sentences.find((s) => /[.!?]$/.test(s) && s.split(" ").length >= 5) ?? sentences[0]!;
  const body = sentence.replace(/[.!?]$/, "");
  return [body, ...markers.flatMap((m) => [" [", String(m), "]"]), ".\n"];
}
