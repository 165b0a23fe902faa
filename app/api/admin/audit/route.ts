import { currentPrincipal } from "@/lib/auth";
import { adminAudit } from "@/lib/accounts";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json({ entries: adminAudit(currentPrincipal()) }));
