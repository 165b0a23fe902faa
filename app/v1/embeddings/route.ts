import { embed, embeddingsBody, readBody, v1Route } from "@/lib/openaiApi";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /v1/embeddings with the embedder that wrote the vector store.
export const POST = v1Route(async (request) => Response.json(await embed(await readBody(request, embeddingsBody))));
