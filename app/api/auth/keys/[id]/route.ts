import { currentPrincipal } from "@/lib/auth";
import { revokeOwnApiKey } from "@/lib/accounts";
import { parseWith, route } from "@/lib/http";
import { apiKeyId } from "../../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const DELETE = route(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  revokeOwnApiKey(currentPrincipal(), parseWith(apiKeyId, (await ctx.params).id));
  return new Response(null, { status: 204 });
});
