import { describe, expect, it } from "vitest";
import { condenseQuery, isFollowUp } from "@/lib/utils/followUp";
import type { ChatMessage } from "@/models/types";

const turn = (role: ChatMessage["role"], content: string): ChatMessage => ({ role, content });

describe("condenseQuery", () => {
  const history = [
    turn("user", "How do I isolate pump P-101 before maintenance?"),
    turn("assistant", "Close valve V-12 and lock out breaker B-4 [1]."),
  ];

  it("keeps a first question as it is", () => {
    expect(condenseQuery("  What are the notice deadlines?  ")).toEqual({ query: "What are the notice deadlines?", condensed: false });
  });

  it("folds the earlier question into a follow-up that names no subject of its own", () => {
    for (const q of ["and what about the second one?", "What about it?", "Why?", "How long does that take?", "also the other pump"]) {
      const r = condenseQuery(q, history);
      expect(r.condensed, q).toBe(true);
      expect(r.query).toBe(`How do I isolate pump P-101 before maintenance? ${q}`);
    }
  });

  it("leaves a new, self-contained question alone so a change of topic is not diluted", () => {
    const r = condenseQuery("What is the notice period for terminating the supply agreement?", history);
    expect(r).toEqual({ query: "What is the notice period for terminating the supply agreement?", condensed: false });
  });

  it("keeps the subject through a chain of follow-ups, and starts over at a new topic", () => {
    const chain = [
      ...history,
      turn("user", "and the second one?"),
      turn("assistant", "..."),
      turn("user", "what tools do I need for it?"),
      turn("assistant", "..."),
    ];
    expect(condenseQuery("how long does that take?", chain).query).toBe(
      "How do I isolate pump P-101 before maintenance? what tools do I need for it? how long does that take?",
    );
    const newTopic = [...chain, turn("user", "Summarize the supplier contract termination clauses"), turn("assistant", "...")];
    expect(condenseQuery("and the deadlines?", newTopic).query).toBe("Summarize the supplier contract termination clauses and the deadlines?");
  });

  it("judges follow-ups by wording", () => {
    expect(isFollowUp("What does it say about that?")).toBe(true);
    expect(isFollowUp("How do I isolate pump P-101?")).toBe(false);
    expect(isFollowUp("What does this contract say about termination fees and renewal notice?")).toBe(false);
  });
});
