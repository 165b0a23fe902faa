import { currentPrincipal } from "@/lib/auth";
import { parseJsonBody, route } from "@/lib/http";
import { listDownloads, startDefaultDownloads, startDownload } from "@/lib/modelManager";
import { startDownloadBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET → { downloads }: polled by the Models page while something downloads.
export const GET = route(async () => Response.json({ downloads: listDownloads() }));

// POST { name } or { defaults: true } → 202 { downloads }: started in the server, returns at once.
export const POST = route(async (request: Request) => {
  const body = await parseJsonBody(request, startDownloadBody);
  const principal = currentPrincipal();
  const started = "name" in body ? [startDownload(principal, body.name)] : startDefaultDownloads(principal);
  return Response.json({ downloads: started }, { status: 202 });
});
