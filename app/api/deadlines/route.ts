import { currentPrincipal } from "@/lib/auth";
import { runDeadlineTask, type DeadlineEvent } from "@/lib/deadlineTask";
import { parseJsonBody, route } from "@/lib/http";
import { ndjsonResponse } from "@/lib/ndjsonStream";
import { deadlinesBody } from "./schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/deadlines → application/x-ndjson: rows (deterministic, at once), progress…, done (or error).
export const POST = route(async (request: Request) => {
  const body = await parseJsonBody(request, deadlinesBody);
  const principal = currentPrincipal();
  return ndjsonResponse<DeadlineEvent>(request, (emit, signal) => runDeadlineTask(principal, body, emit, signal));
});
