import { currentPrincipal } from "@/lib/auth";
import { adminCreateCollection } from "@/lib/accounts";
import { parseJsonBody, route } from "@/lib/http";
import { createCollectionBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(async (request: Request) => {
  const body = await parseJsonBody(request, createCollectionBody, 4096);
  return Response.json({ collection: adminCreateCollection(currentPrincipal(), body) }, { status: 201 });
});
