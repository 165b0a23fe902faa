// Reciprocal-rank fusion (Cormack et al., 2009): score(d) = Σ 1 / (k + rank_i(d)),
// with 1-based ranks in each list (optionally weighted per list: w_i / (k + rank_i(d))). Written out here so ranks and scores stay explicit.

export const RRF_K = 60;

export interface FusedItem {
  key: string;
  score: number;
  /** 1-based rank of the item in each input list, undefined where it is absent. */
  ranks: (number | undefined)[];
}

/**
 * Fuses ranked lists of keys (best first). Ties on score are broken by the best
 * single rank, then by the earlier list, then by key, so the order is deterministic.
 */
export function reciprocalRankFusion(lists: readonly (readonly string[])[], k = RRF_K, weights?: readonly number[]): FusedItem[] {
  if (!(k >= 0)) throw new RangeError(`RRF k must be >= 0, got ${k}`);
  if (weights && (weights.length !== lists.length || weights.some((w) => !(w >= 0)))) throw new RangeError("RRF needs one weight >= 0 per list");
  const byKey = new Map<string, FusedItem>();
  lists.forEach((list, listIndex) => {
    list.forEach((key, i) => {
      let item = byKey.get(key);
      if (!item) {
        item = { key, score: 0, ranks: lists.map(() => undefined) };
        byKey.set(key, item);
      }
      // A key repeated within one list counts once, at its best rank.
      if (item.ranks[listIndex] !== undefined) return;
      item.ranks[listIndex] = i + 1;
      item.score += (weights?.[listIndex] ?? 1) / (k + i + 1);
    });
  });
  return [...byKey.values()].sort(
    (a, b) =>
      b.score - a.score ||
      bestRank(a) - bestRank(b) ||
      firstList(a) - firstList(b) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

function bestRank(item: FusedItem): number {
  return Math.min(...item.ranks.map((r) => r ?? Infinity));
}

function firstList(item: FusedItem): number {
  return item.ranks.findIndex((r) => r !== undefined && r === bestRank(item));
}
