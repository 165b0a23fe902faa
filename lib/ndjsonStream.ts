// A long whole-document task streamed as newline-delimited JSON events: the client sees rows or
// partial text as they come; a client that goes away aborts the task, which frees the model.

const encoder = new TextEncoder();

export function ndjsonResponse<E>(request: Request, run: (emit: (event: E) => void, signal: AbortSignal) => Promise<void>): Response {
  const abort = new AbortController();
  const onDisconnect = () => abort.abort(new Error("client disconnected"));
  request.signal.addEventListener("abort", onDisconnect, { once: true });
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const emit = (event: E) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch (e) {
          open = false;
          abort.abort(e);
        }
      };
      await run(emit, abort.signal);
      request.signal.removeEventListener("abort", onDisconnect);
      if (open) controller.close();
      open = false;
    },
    cancel() {
      abort.abort(new Error("client disconnected"));
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
