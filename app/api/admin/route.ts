import { currentPrincipal } from "@/lib/auth";
import { adminOverview } from "@/lib/accounts";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/admin → users, collections, memberships (admins only).
export const GET = route(async () => Response.json(adminOverview(currentPrincipal())));
