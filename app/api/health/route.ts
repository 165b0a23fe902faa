import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/health → 200 {ok: true}; says nothing about users or documents.
export const GET = route(async () => Response.json({ ok: true }), { access: "public" });
