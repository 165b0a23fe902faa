import { currentPrincipal } from "@/lib/auth";
import { parseJsonBody, route } from "@/lib/http";
import { deadlinesCsv, deadlinesIcs } from "@/lib/utils/deadlineExport";
import { exportBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/deadlines/export {format, rows} → the table as a CSV or .ics download.
export const POST = route(async (request: Request) => {
  currentPrincipal();
  const { format, rows } = await parseJsonBody(request, exportBody, 8 * 1024 * 1024);
  const origin = new URL(request.url).origin;
  const body = format === "csv" ? deadlinesCsv(rows) : deadlinesIcs(rows, origin);
  const type = format === "csv" ? "text/csv; charset=utf-8" : "text/calendar; charset=utf-8";
  return new Response(body, { headers: { "content-type": type, "content-disposition": `attachment; filename="deadlines.${format}"` } });
});
