import { currentPrincipal } from "@/lib/auth";
import { parseWith, route } from "@/lib/http";
import { importUploadedModel } from "@/lib/modelImport";
import { importQuery } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST multipart (one `file`), ?name=&role= optional → 201 { model }: validated like `npm run models -- import`.
export const POST = route(async (request: Request) => {
  const opts = parseWith(importQuery, Object.fromEntries(new URL(request.url).searchParams));
  const model = await importUploadedModel(currentPrincipal(), request, opts);
  // The server path is the admin's business, not the browser's.
  const { path: _path, ...shown } = model;
  void _path;
  return Response.json({ model: shown }, { status: 201 });
});
