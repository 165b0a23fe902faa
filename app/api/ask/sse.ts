import type { AnswerEvent } from "@/lib/answer";

const encoder = new TextEncoder();

/** One Server-Sent Event: its name and a JSON payload on one `data:` line. */
export function sseEvent(event: AnswerEvent): Uint8Array {
  const { type, ...payload } = event;
  return encoder.encode(`event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`);
}
