import { describe, expect, it } from "vitest";
import { reciprocalRankFusion, RRF_K } from "@/vectorstore";

describe("reciprocalRankFusion", () => {
  it("scores each key as the sum of 1/(k + rank) over the lists it appears in", () => {
    const fused = reciprocalRankFusion([
      ["a", "b", "c"],
      ["c", "a", "d"],
    ]);
    const byKey = Object.fromEntries(fused.map((f) => [f.key, f]));
    expect(RRF_K).toBe(60);
    expect(byKey.a.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(byKey.c.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(byKey.b.score).toBeCloseTo(1 / 62, 12);
    expect(byKey.d.score).toBeCloseTo(1 / 63, 12);
    expect(byKey.a.ranks).toEqual([1, 2]);
    expect(byKey.d.ranks).toEqual([undefined, 3]);
    expect(fused.map((f) => f.key)).toEqual(["a", "c", "b", "d"]);
  });

  it("ranks an item found by both lists above items found by one, even at lower ranks", () => {
    const fused = reciprocalRankFusion([
      ["v1", "v2", "both"],
      ["k1", "k2", "both"],
    ]);
    expect(fused[0].key).toBe("both");
  });

  it("breaks score ties by the earlier list, then by key, deterministically", () => {
    const fused = reciprocalRankFusion([["x"], ["y"]]);
    expect(fused.map((f) => f.key)).toEqual(["x", "y"]);
    // Same score and same best rank: the one that was first in the earlier (vector) list wins.
    expect(reciprocalRankFusion([["b", "a"], ["a", "b"]]).map((f) => f.key)).toEqual(["b", "a"]);
    expect(reciprocalRankFusion([["q", "p"], []]).map((f) => f.key)).toEqual(["q", "p"]);
    expect(reciprocalRankFusion([[], ["q"], ["p"]]).map((f) => f.key)).toEqual(["q", "p"]);
    expect(reciprocalRankFusion([["q"], ["p"]]).map((f) => f.key)).toEqual(["q", "p"]);
    expect(reciprocalRankFusion([["p"], ["q"]]).map((f) => f.key)).toEqual(["p", "q"]);
  });

  it("counts a key repeated within a list once, at its best rank", () => {
    const [only] = reciprocalRankFusion([["a", "a"]]);
    expect(only.score).toBeCloseTo(1 / 61, 12);
  });

  it("honours a custom k and handles empty input", () => {
    expect(reciprocalRankFusion([["a"]], 0)[0].score).toBe(1);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
    expect(() => reciprocalRankFusion([["a"]], -1)).toThrow(RangeError);
  });

  it("weights each list's share (a keyword list worth twice the vector list)", () => {
    // "v" tops the first list, "k" the second: a tie (the earlier list wins) until the second weighs 2.
    const lists = [["v", "k"], ["k", "v"]];
    expect(reciprocalRankFusion(lists, 10).map((f) => f.key)).toEqual(["v", "k"]);
    const weighted = reciprocalRankFusion(lists, 10, [1, 2]);
    expect(weighted.map((f) => f.key)).toEqual(["k", "v"]);
    expect(weighted[0]!.score).toBeCloseTo(1 / 12 + 2 / 11, 12);
    expect(() => reciprocalRankFusion(lists, 10, [1])).toThrow(RangeError);
    expect(() => reciprocalRankFusion(lists, 10, [1, -1])).toThrow(RangeError);
  });
});
