import { searchReadablePassages } from "@/lib/searchReadablePassages";
import { currentPrincipal } from "@/lib/auth";
import { parseWith, route } from "@/lib/http";
import { searchParamsObject, searchQuery } from "./schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Instant passage search, no LLM: hybrid search with the query's words highlighted.
export const GET = route(async (request: Request) => {
  const { q, limit, collection } = parseWith(searchQuery, searchParamsObject(new URL(request.url).searchParams));
  const results = await searchReadablePassages(currentPrincipal(), q, collection, limit);
  return Response.json({
    query: q,
    results: results.map(({ hit, highlights }) => ({
      chunkId: hit.id,
      documentId: hit.documentId,
      collectionId: hit.collectionId,
      fileName: hit.fileName ?? hit.documentId,
      page: hit.page,
      headingPath: hit.headingPath,
      charStart: hit.charStart,
      charEnd: hit.charEnd,
      text: hit.text,
      score: hit.score,
      highlights,
    })),
  });
});
