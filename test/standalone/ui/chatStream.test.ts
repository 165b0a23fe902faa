import { describe, expect, test } from "vitest";
import { sseEvent } from "@/app/api/ask/sse";
import type { AnswerDone, AnswerEvent } from "@/app/components/types";
import { announcementFor, chatStreamReducer, initialChatStream, type ChatStreamAction, type ChatStreamState } from "@/app/components/utils/chatStream";
import { readAnswerEvents, toAnswerEvent } from "@/app/components/utils/readSse";

// The chat page's stream state without a browser: typed events in, messages and announcement out.

const done: AnswerDone = {
  messageId: 7,
  answer: "The valve is V-17 [1].",
  answered: true,
  aborted: false,
  citations: [],
  dropped: [],
  unsupportedSentences: [],
  sources: [],
  leftOut: [],
  retrieval: { query: "valve", condensed: false, promptTokens: 10, historyLeftOut: 0 },
  timings: { embedMs: 0, searchMs: 0, queuedMs: 0, generationMs: 0, totalMs: 0 },
};

function run(actions: ChatStreamAction[], from: ChatStreamState = initialChatStream): ChatStreamState {
  return actions.reduce(chatStreamReducer, from);
}

const asked: ChatStreamAction = { type: "asked", question: "Which valve?", questionKey: "q1", answerKey: "a1" };
const ev = (event: AnswerEvent): ChatStreamAction => ({ type: "event", answerKey: "a1", event });

describe("chat stream state", () => {
  test("tokens stream into the answer, which is busy and unannounced until done", () => {
    const s = run([asked, ev({ type: "chat", chatId: "c1", title: "Which valve?" }), ev({ type: "status", stage: "answering" }), ev({ type: "token", text: "The valve" }), ev({ type: "token", text: " is" })]);
    expect(s.chatId).toBe("c1");
    expect(s.phase).toBe("answering");
    expect(s.selected).toEqual({ key: "a1", n: null });
    expect(s.messages.map((m) => [m.role, m.content, m.streaming])).toEqual([
      ["user", "Which valve?", undefined],
      ["assistant", "The valve is", true],
    ]);
    expect(s.announcement).toBe("");
  });

  test("done replaces the streamed text with the final answer and announces it without markers", () => {
    const s = run([asked, ev({ type: "token", text: "The valve is V-17" }), ev({ type: "done", result: done }), { type: "closed", answerKey: "a1" }]);
    expect(s.messages[1]).toMatchObject({ content: done.answer, streaming: false, result: done });
    expect(s.messages[1].error).toBeUndefined();
    expect(s.announcement).toBe("Answer: The valve is V-17.");
    expect(s.phase).toBe("idle");
    expect(announcementFor("A [1, 2] and B [3].")).toBe("Answer: A and B.");
  });

  test("a new question clears the last announcement, so the next answer is announced even if it is the same", () => {
    const s = run([asked, ev({ type: "done", result: done }), { ...asked, questionKey: "q2", answerKey: "a2" }]);
    expect(s.announcement).toBe("");
  });

  test("a stream that closes without done or error says the answer stopped", () => {
    const s = run([asked, ev({ type: "token", text: "The" }), { type: "closed", answerKey: "a1" }]);
    expect(s.messages[1]).toMatchObject({ content: "The", streaming: false, error: "The answer stopped before it finished." });
    expect(s.announcement).toBe("");
  });

  test("an error event and a failed request end the answer with their message", () => {
    const errored = run([asked, ev({ type: "error", error: { code: "unavailable:model", message: "No model." } }), { type: "closed", answerKey: "a1" }]);
    expect(errored.messages[1]).toMatchObject({ streaming: false, error: "No model." });
    const failed = run([asked, { type: "failed", answerKey: "a1", error: "Stopped." }]);
    expect(failed.messages[1]).toMatchObject({ streaming: false, error: "Stopped." });
    expect(failed.phase).toBe("idle");
  });

  test("events for an answer no longer on screen (another chat was opened) change nothing shown", () => {
    const opened = run([asked, { type: "opened", chatId: "c2", messages: [{ key: "x", role: "user", content: "old" }] }]);
    const s = run([ev({ type: "token", text: "late" }), ev({ type: "done", result: done })], opened);
    expect(s.messages).toEqual(opened.messages);
    expect(s.announcement).toBe("");
  });

  test("focus moving into an answer selects it but keeps the source already chosen there", () => {
    const picked = run([asked, { type: "selected", selected: { key: "a1", n: 2 } }, { type: "focused", key: "a1" }]);
    expect(picked.selected).toEqual({ key: "a1", n: 2 });
    expect(run([{ type: "focused", key: "a0" }], picked).selected).toEqual({ key: "a0", n: null });
  });
});

describe("answer events from the wire", () => {
  test("what the route writes comes back as the same typed events", async () => {
    const events: AnswerEvent[] = [
      { type: "chat", chatId: "c1", title: "Which valve?" },
      { type: "status", stage: "loading_model" },
      { type: "token", text: "V-17 [1]\n\nnext" },
      { type: "done", result: done },
      { type: "error", error: { code: "internal:chat", message: "The answer failed." } },
    ];
    const bytes = Buffer.concat(events.map((e) => Buffer.from(sseEvent(e))));
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 5) c.enqueue(new Uint8Array(bytes.subarray(i, i + 5)));
        c.close();
      },
    });
    const got: AnswerEvent[] = [];
    await readAnswerEvents(body, (e) => got.push(e));
    expect(got).toEqual(events);
  });

  test("a malformed or unknown event is an error, not a silently wrong page", () => {
    expect(() => toAnswerEvent("chat", { chatId: 5 })).toThrow('unexpected "chat" event');
    expect(() => toAnswerEvent("status", { stage: "dreaming" })).toThrow('unexpected "status" event');
    expect(() => toAnswerEvent("done", { result: { answer: "x" } })).toThrow('unexpected "done" event');
    expect(() => toAnswerEvent("surprise", {})).toThrow('unexpected "surprise" event');
  });
});
