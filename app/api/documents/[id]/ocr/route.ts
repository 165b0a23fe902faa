import { currentPrincipal } from "@/lib/auth";
import { route, parseWith } from "@/lib/http";
import { readOcrPages } from "@/lib/ocrPages";
import { documentId } from "../../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/documents/<id>/ocr → { pages: [{ page, confidence, lowConfidence }] } for its OCR'd pages.
export const GET = route(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseWith(documentId, (await ctx.params).id);
  return Response.json({ pages: readOcrPages(currentPrincipal(), id) });
});
