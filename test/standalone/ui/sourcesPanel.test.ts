import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SourcesPanel } from "@/app/components/SourcesPanel";
import type { Citation, UiMessage } from "@/app/components/types";

// The sources panel shows a cited passage as the viewer does: the sentence that supports the
// answer (supportStart/End) strong, its backing words marked, the rest of the passage faint.

const text = "4. Term and Termination. (a) The initial term of this Agreement shall be one (1) year from the Effective Date. (b) Either party may terminate on thirty days notice.";
const sentence = "(a) The initial term of this Agreement shall be one (1) year from the Effective Date.";
const at = text.indexOf(sentence);
const pageOffset = 1000;
const source: Citation = {
  n: 1,
  chunkId: "c1",
  documentId: "d1",
  fileName: "kubient.pdf",
  page: 1,
  headingPath: "4. Term and Termination",
  charStart: pageOffset,
  charEnd: pageOffset + text.length,
  quote: text,
  supportStart: pageOffset + at,
  supportEnd: pageOffset + at + sentence.length,
} as Citation;
const word = text.indexOf("one (1) year");

function render(s: Citation) {
  const message = {
    key: "m1",
    role: "assistant",
    content: "The initial term is one year [1].",
    result: {
      answered: true,
      aborted: false,
      citations: [s],
      sources: [s],
      dropped: [],
      unsupportedSentences: [],
      attributed: [],
      leftOut: [],
      sentences: [{ text: "The initial term is one year [1].", start: 0, end: 33, citations: [1], verdict: "verified", claims: [], missingClaims: [], support: [{ n: 1, charStart: pageOffset + word, charEnd: pageOffset + word + "one (1) year".length }] }],
      retrieval: { query: "", condensed: false, promptTokens: 0, historyLeftOut: 0 },
      timings: { embedMs: 0, searchMs: 0, queuedMs: 0, generationMs: 0, totalMs: 0 },
    },
  } as unknown as UiMessage;
  const html = renderToStaticMarkup(createElement(SourcesPanel, { message, selected: null }));
  return new DOMParserLite(html);
}

/** Just enough of the markup to read the marked parts (no DOM in the standalone project). */
class DOMParserLite {
  constructor(readonly html: string) {}
  textOf(attr: string): string {
    const m = this.html.match(new RegExp(`<span [^>]*${attr}[^>]*>([\\s\\S]*?)</span>`));
    return (m?.[1] ?? "").replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
  }
  all(attr: string): string[] {
    return [...this.html.matchAll(new RegExp(`<span [^>]*${attr}[^>]*>([\\s\\S]*?)</span>`, "g"))].map((m) => m[1]!.replace(/<[^>]+>/g, ""));
  }
}

describe("SourcesPanel", () => {
  it("shows the supporting sentence strong, its backing words marked and the rest of the passage faint", () => {
    const r = render(source);
    expect(r.textOf('data-testid="support-sentence"')).toBe(sentence);
    expect(r.html).toContain('<mark data-testid="support" class="rounded-sm bg-teal-100 px-0.5 text-stone-900">one (1) year</mark>');
    const faint = r.all('data-strength="passage"');
    expect(faint).toEqual(["4. Term and Termination. ", " (b) Either party may terminate on thirty days notice."]);
    expect(faint[0]! + r.textOf('data-testid="support-sentence"') + faint[1]!).toBe(text);
    expect(r.html).toContain("Strong: the sentence that supports the answer");
  });

  it("marks only the words when the support is the whole passage", () => {
    const r = render({ ...source, supportStart: source.charStart, supportEnd: source.charEnd });
    expect(r.html).not.toContain("support-sentence");
    expect(r.html).toContain(">one (1) year</mark>");
  });
});
