import type { AnswerDone, AnswerEvent } from "../types";

// Reads the text/event-stream of POST /api/ask. The server writes each AnswerEvent as
// `event: <type>` plus its other fields as JSON on a `data:` line (app/api/ask/sse.ts);
// this puts them back together and checks the shape before the page trusts it.

/** Calls `onEvent` per event of a text/event-stream body: its name and its data parsed as JSON. */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (type: string, data: unknown) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let sep: number;
    while ((sep = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, sep);
      buffer = buffer.slice(sep + 2);
      let type = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) type = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(type, JSON.parse(data.join("\n")));
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isString = (v: unknown): v is string => typeof v === "string";

/** The AnswerEvent an SSE message carries, or an error naming what was malformed. */
export function toAnswerEvent(type: string, data: unknown): AnswerEvent {
  const d = isObject(data) ? data : {};
  switch (type) {
    case "chat":
      if (isString(d.chatId) && isString(d.title)) return { type, chatId: d.chatId, title: d.title };
      break;
    case "status":
      if (d.stage === "loading_model" || d.stage === "answering") return { type, stage: d.stage };
      // A summary asked for in the chat (lib/chatSummary): which document, which part.
      if (d.stage === "summarizing") {
        const n = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined);
        return { type, stage: d.stage, ...(isString(d.fileName) && { fileName: d.fileName }), ...(n(d.part) && { part: n(d.part) }), ...(n(d.parts) && { parts: n(d.parts) }) };
      }
      break;
    case "token":
      if (isString(d.text)) return { type, text: d.text };
      break;
    case "done": {
      const r = d.result;
      // The result is the server's own AnswerDone; check what the page reads before trusting the rest.
      if (isObject(r) && isString(r.answer) && Array.isArray(r.citations) && Array.isArray(r.sources) && Array.isArray(r.unsupportedSentences)) {
        return { type, result: r as unknown as AnswerDone };
      }
      break;
    }
    case "error": {
      const e = d.error;
      if (isObject(e) && isString(e.code) && isString(e.message)) {
        return { type, error: { code: e.code, message: e.message, ...(isString(e.reason) ? { reason: e.reason } : {}) } };
      }
      break;
    }
  }
  throw new Error(`unexpected "${type}" event from the server`);
}

/** Reads the answer stream of POST /api/ask, one typed AnswerEvent at a time. */
export function readAnswerEvents(body: ReadableStream<Uint8Array>, onEvent: (event: AnswerEvent) => void): Promise<void> {
  return readSse(body, (type, data) => onEvent(toAnswerEvent(type, data)));
}
