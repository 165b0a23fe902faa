import { listModels, v1Route } from "@/lib/openaiApi";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /v1/models: `cairn` (answers from your documents), the LLM (plain chat), the embedder.
export const GET = v1Route(async () => Response.json({ object: "list", data: listModels() }));
