import { optionalPrincipal } from "@/lib/auth";
import { logout } from "@/lib/accounts";
import { route } from "@/lib/http";
import { clientIp, clearedSessionCookie, readCookie, SESSION_COOKIE } from "@/lib/requestAuth";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/auth/logout → the session is deleted server-side and the cookie cleared.
export const POST = route(
  async (request: Request) => {
    logout(optionalPrincipal(), readCookie(request.headers.get("cookie"), SESSION_COOKIE), clientIp(request.headers));
    return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie(request) } });
  },
  { access: "public" },
);
