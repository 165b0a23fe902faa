import { currentPrincipal } from "@/lib/auth";
import { createApiKey, listOwnApiKeys } from "@/lib/accounts";
import { parseJsonBody, route } from "@/lib/http";
import { apiKeyBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json({ keys: listOwnApiKeys(currentPrincipal()) }));

// The key itself is shown once, here; only its sha256 is stored.
export const POST = route(async (request: Request) => {
  const { name } = await parseJsonBody(request, apiKeyBody, 4096);
  return Response.json(createApiKey(currentPrincipal(), name), { status: 201, headers: { "cache-control": "no-store" } });
});
