/**
 * Trims a keyword query and clips it to `maxChars` at a word boundary. BM25 cost grows
 * with the number of terms; past a few hundred words extra terms add cost, not precision.
 */
export function clipQueryText(text: string, maxChars: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return trimmed;
  const cut = trimmed.slice(0, maxChars);
  const lastSpace = cut.search(/\s\S*$/);
  return (lastSpace > 0 ? cut.slice(0, lastSpace) : cut).trim();
}
