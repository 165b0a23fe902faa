import { currentPrincipal } from "@/lib/auth";
import { prepareAnswer, type AnswerEvent } from "@/lib/answer";
import { prepareChatSummary } from "@/lib/chatSummary";
import { parseJsonBody, route } from "@/lib/http";
import { askBody } from "./schema";
import { sseEvent } from "./sse";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/ask → text/event-stream: chat, status, token…, then done (or error).
export const POST = route(async (request: Request) => {
  const body = await parseJsonBody(request, askBody);
  // Runs before the stream opens, so a chat id that is not the caller's is a plain 404.
  // "summarize report.pdf": the whole-document summary instead of retrieve-and-answer.
  const input = { principal: currentPrincipal(), ...body };
  const answer = prepareChatSummary(input) ?? prepareAnswer(input);
  // A client that disconnects stops generation, which frees the model for the next request.
  const abort = new AbortController();
  const onDisconnect = () => abort.abort(new Error("client disconnected"));
  request.signal.addEventListener("abort", onDisconnect, { once: true });

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const emit = (event: AnswerEvent) => {
        if (!open) return;
        try {
          controller.enqueue(sseEvent(event));
        } catch (e) {
          // The stream closed under us: the client is gone, so stop generating.
          open = false;
          abort.abort(e);
        }
      };
      await answer.run(emit, abort.signal);
      request.signal.removeEventListener("abort", onDisconnect);
      if (open) controller.close();
      open = false;
    },
    cancel() {
      abort.abort(new Error("client disconnected"));
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      "x-chat-id": answer.chatId,
    },
  });
});
