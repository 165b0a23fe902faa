import { optionalPrincipal } from "@/lib/auth";
import { whoAmI } from "@/lib/accounts";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/auth/me → who is logged in (user: null when nobody), their collections and roles.
export const GET = route(async () => Response.json(whoAmI(optionalPrincipal()), { headers: { "cache-control": "no-store" } }), { access: "public" });
