import { currentPrincipal } from "@/lib/auth";
import { parseWith, route } from "@/lib/http";
import { readPageText } from "@/lib/pageText";
import { documentId } from "../../documents/schema";
import { pageQuery } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/passages/<documentId>?page=N → that page's text (rebuilt from chunks) for the viewer.
export const GET = route(async (request: Request, ctx: { params: Promise<{ documentId: string }> }) => {
  const id = parseWith(documentId, (await ctx.params).documentId);
  const { page } = parseWith(pageQuery, { page: new URL(request.url).searchParams.get("page") ?? undefined });
  return Response.json(await readPageText(currentPrincipal(), id, page ?? null));
});
