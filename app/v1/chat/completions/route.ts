import { currentPrincipal } from "@/lib/auth";
import { chatCompletionBody, checkChatRequest, completeChat, completionId, completionObject, completionStream, readBody, v1Route } from "@/lib/openaiApi";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /v1/chat/completions: OpenAI's format, answered by lib/ask from the caller's readable collections.
export const POST = v1Route(async (request) => {
  const body = await readBody(request, chatCompletionBody);
  const principal = currentPrincipal();
  if (body.stream) {
    checkChatRequest(body);
    return new Response(completionStream(principal, body, request), {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
    });
  }
  const completion = await completeChat(principal, body, { signal: request.signal });
  return Response.json(completionObject(completionId(), body.model, completion));
});
