import { login } from "@/lib/accounts";
import { parseJsonBody, route } from "@/lib/http";
import { clientIp, sessionCookie } from "@/lib/requestAuth";
import { loginBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/auth/login {name, password} → sets the httpOnly SameSite=Strict session cookie.
export const POST = route(
  async (request: Request) => {
    const { name, password } = await parseJsonBody(request, loginBody, 4096);
    const { user, token, expiresAt } = await login(name, password, clientIp(request.headers));
    return Response.json(
      { user: { id: user.id, name: user.name, isAdmin: user.isAdmin } },
      { headers: { "set-cookie": sessionCookie(request, token, expiresAt), "cache-control": "no-store" } },
    );
  },
  { access: "public" },
);
