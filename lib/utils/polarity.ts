// A sentence that says the opposite of its passage with the passage's own words: "continue
// aspirin" where the passage says "discontinue aspirin" (or the reverse). Every word is in the
// passage, so word-level verification passes it; the pair it forms is not, and its negated twin is.

const PREFIXES = ["dis", "un", "non", "in", "de"];

const words = (s: string) => s.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [];

/** The sentence's word pair whose negated (or un-negated) form is what the passage says, or null. */
export function flippedPolarity(sentence: string, passage: string): string | null {
  const pw = words(passage);
  const pairs = new Set(pw.slice(1).map((w, i) => `${pw[i]} ${w}`));
  const sw = words(sentence);
  for (let i = 0; i + 1 < sw.length; i++) {
    const [a, b] = [sw[i]!, sw[i + 1]!];
    if (b.length < 3 || pairs.has(`${a} ${b}`)) continue;
    const twins = [...PREFIXES.map((p) => p + a), ...PREFIXES.filter((p) => a.startsWith(p) && a.length > p.length + 3).map((p) => a.slice(p.length))];
    const twin = twins.find((t) => pairs.has(`${t} ${b}`));
    if (twin) return `${a} ${b}`;
  }
  return null;
}
