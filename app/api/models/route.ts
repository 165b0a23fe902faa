import { currentPrincipal } from "@/lib/auth";
import { route } from "@/lib/http";
import { modelsOverview } from "@/lib/modelsOverview";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/models → { models, active: { llm, embedder }, state, downloads, defaults, canManage }
export const GET = route(async () => Response.json(modelsOverview(currentPrincipal())));
