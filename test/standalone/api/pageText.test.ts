import { expect, test } from "vitest";
import { assemblePageText } from "@/lib/pageText";

test("page text rebuilt from overlapping chunks keeps every chunk at its own offsets", () => {
  const page = "Pump isolation\n\nBefore any maintenance, isolate the pump.\nThe isolation valve for pump P-101 is V-17.";
  const pieces = [
    [0, 14],
    [16, 60],
    [50, page.length],
  ];
  const chunks = pieces.map(([charStart, charEnd]) => ({ charStart, charEnd, text: page.slice(charStart, charEnd) }));
  const { text, uncovered } = assemblePageText(chunks);
  expect(uncovered).toBe(2);
  expect(text).toBe(page.replace("\n\n", "  "));
  for (const c of chunks) expect(text.slice(c.charStart, c.charEnd)).toBe(c.text);
  expect(assemblePageText([])).toEqual({ text: "", uncovered: 0 });
});
