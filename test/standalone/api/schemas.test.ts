import { describe, expect, test } from "vitest";
import { askBody, MAX_QUESTION_CHARS } from "@/app/api/ask/schema";
import { sseEvent } from "@/app/api/ask/sse";
import { chatId } from "@/app/api/chats/schema";
import { pageQuery } from "@/app/api/passages/schema";
import { searchParamsObject, searchQuery } from "@/app/api/search/schema";
import { readSse } from "@/app/components/utils/readSse";
import { parseWith } from "@/lib/http";
import { CairnError } from "@/core/errors";

const uuid = "6f1c7a52-3c1b-4b8e-9a57-0f6e2f1f9b10";

function badRequest(f: () => unknown): CairnError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).status).toBe(400);
    return e as CairnError;
  }
  throw new Error("expected a 400");
}

describe("POST /api/ask body", () => {
  test("accepts a question with optional chat and collections, trimmed", () => {
    expect(parseWith(askBody, { question: "  Which valve?  " })).toEqual({ question: "Which valve?" });
    expect(parseWith(askBody, { question: "q", chatId: uuid, collections: ["default", "team_a"] })).toEqual({
      question: "q",
      chatId: uuid,
      collections: ["default", "team_a"],
    });
  });

  test("rejects empty, whitespace-only and over-long questions with a reason", () => {
    expect(badRequest(() => parseWith(askBody, { question: "" })).message).toContain("question");
    badRequest(() => parseWith(askBody, { question: "   \n " }));
    expect(badRequest(() => parseWith(askBody, { question: "x".repeat(MAX_QUESTION_CHARS + 1) })).message).toContain(String(MAX_QUESTION_CHARS));
    badRequest(() => parseWith(askBody, {}));
    badRequest(() => parseWith(askBody, { question: 42 }));
  });

  test("rejects malformed chat and collection ids and empty collection lists", () => {
    badRequest(() => parseWith(askBody, { question: "q", chatId: "../../etc" }));
    badRequest(() => parseWith(askBody, { question: "q", collections: ["a' OR 1=1 --"] }));
    badRequest(() => parseWith(askBody, { question: "q", collections: [] }));
    badRequest(() => parseWith(askBody, { question: "q", collections: "default" }));
    badRequest(() => parseWith(chatId, "not-a-uuid"));
  });
});

describe("GET /api/search query", () => {
  test("reads q, limit and repeated collection params", () => {
    const params = new URLSearchParams("q=%20valve%20&limit=5&collection=a&collection=b");
    expect(parseWith(searchQuery, searchParamsObject(params))).toEqual({ q: "valve", limit: 5, collection: ["a", "b"] });
    expect(parseWith(searchQuery, searchParamsObject(new URLSearchParams("q=x")))).toEqual({ q: "x", limit: 20 });
  });

  test("rejects missing or empty queries, bad limits and bad collections", () => {
    badRequest(() => parseWith(searchQuery, searchParamsObject(new URLSearchParams(""))));
    badRequest(() => parseWith(searchQuery, searchParamsObject(new URLSearchParams("q=%20"))));
    badRequest(() => parseWith(searchQuery, searchParamsObject(new URLSearchParams("q=x&limit=0"))));
    badRequest(() => parseWith(searchQuery, searchParamsObject(new URLSearchParams("q=x&limit=abc"))));
    badRequest(() => parseWith(searchQuery, searchParamsObject(new URLSearchParams("q=x&collection=%2E%2E"))));
    badRequest(() => parseWith(searchQuery, searchParamsObject(new URLSearchParams(`q=${"y".repeat(501)}`))));
  });

  test("page numbers for the passage API are positive integers", () => {
    expect(parseWith(pageQuery, { page: "2" })).toEqual({ page: 2 });
    expect(parseWith(pageQuery, {})).toEqual({});
    badRequest(() => parseWith(pageQuery, { page: "0" }));
    badRequest(() => parseWith(pageQuery, { page: "1.5" }));
  });
});

describe("server-sent events", () => {
  test("what the route writes, the page reads back, even split mid-event", async () => {
    const events = [
      sseEvent({ type: "chat", chatId: uuid, title: "Which valve?" }),
      sseEvent({ type: "token", text: "V-17 [1]\n\nsecond line" }),
      sseEvent({ type: "error", error: { code: "unavailable:model", message: "No model." } }),
    ];
    const bytes = Buffer.concat(events.map((e) => Buffer.from(e)));
    // Deliver in awkward pieces: 7 bytes at a time, splitting events and UTF-8 sequences alike.
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 7) c.enqueue(new Uint8Array(bytes.subarray(i, i + 7)));
        c.close();
      },
    });
    const got: [string, unknown][] = [];
    await readSse(body, (type, data) => got.push([type, data]));
    expect(got).toEqual([
      ["chat", { chatId: uuid, title: "Which valve?" }],
      ["token", { text: "V-17 [1]\n\nsecond line" }],
      ["error", { error: { code: "unavailable:model", message: "No model." } }],
    ]);
  });
});
