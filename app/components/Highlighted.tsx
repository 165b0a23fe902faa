import type { Highlight } from "./types";

/** `text` with the given ranges in <mark>. Ranges may overlap or come unsorted. */
export function Highlighted({ text, ranges }: { text: string; ranges: readonly Highlight[] }) {
  const sorted = [...ranges].filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: React.ReactNode[] = [];
  let pos = 0;
  for (const r of sorted) {
    const start = Math.max(r.start, pos);
    if (r.end <= start) continue;
    if (start > pos) out.push(text.slice(pos, start));
    out.push(
      <mark key={start} className="rounded bg-amber-200 px-0.5 text-stone-950">
        {text.slice(start, r.end)}
      </mark>,
    );
    pos = r.end;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return <>{out}</>;
}
