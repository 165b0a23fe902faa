import { currentPrincipal } from "@/lib/auth";
import { adminUpdateUser } from "@/lib/accounts";
import { parseJsonBody, parseWith, route } from "@/lib/http";
import { updateUserBody, userId } from "../../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const PATCH = route(async (request: Request, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseWith(userId, (await ctx.params).id);
  const body = await parseJsonBody(request, updateUserBody, 4096);
  return Response.json({ user: await adminUpdateUser(currentPrincipal(), id, body) });
});
