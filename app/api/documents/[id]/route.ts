import { currentPrincipal } from "@/lib/auth";
import { route, parseWith } from "@/lib/http";
import { deleteLibraryDocument, getLibraryDocument } from "@/lib/library";
import { documentId } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = route(async (_req: Request, ctx: Ctx) => {
  const id = parseWith(documentId, (await ctx.params).id);
  return Response.json({ document: getLibraryDocument(currentPrincipal(), id) });
});

export const DELETE = route(async (_req: Request, ctx: Ctx) => {
  const id = parseWith(documentId, (await ctx.params).id);
  await deleteLibraryDocument(currentPrincipal(), id);
  return new Response(null, { status: 204 });
});
