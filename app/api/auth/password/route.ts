import { currentPrincipal } from "@/lib/auth";
import { changeOwnPassword } from "@/lib/accounts";
import { parseJsonBody, route } from "@/lib/http";
import { clientIp, sessionCookie } from "@/lib/requestAuth";
import { passwordBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/auth/password {current, next} → 204 with a fresh session cookie; every other session ends.
export const POST = route(async (request: Request) => {
  const { current, next } = await parseJsonBody(request, passwordBody, 4096);
  const { token, expiresAt } = await changeOwnPassword(currentPrincipal(), current, next, clientIp(request.headers));
  return new Response(null, { status: 204, headers: { "set-cookie": sessionCookie(request, token, expiresAt) } });
});
