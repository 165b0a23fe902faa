import { currentPrincipal } from "@/lib/auth";
import { parseJsonBody, route } from "@/lib/http";
import { ndjsonResponse } from "@/lib/ndjsonStream";
import { summarizeDocument, type SummaryEvent } from "@/lib/summarize";
import { summaryBody } from "./schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/summaries → application/x-ndjson: status, partial (map-reduce parts), token…, done (or error).
export const POST = route(async (request: Request) => {
  const body = await parseJsonBody(request, summaryBody);
  const principal = currentPrincipal();
  return ndjsonResponse<SummaryEvent>(request, (emit, signal) => summarizeDocument(principal, body, emit, { signal }));
});
