import { route } from "@/lib/http";
import { modelsOverview } from "@/lib/modelsOverview";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/models → { models: listModels(), active: { llm, embedder }, state: modelState() }
export const GET = route(async () => Response.json(modelsOverview()));
