import { searchReadablePassagesScoped } from "@/lib/searchReadablePassages";
import { currentPrincipal } from "@/lib/auth";
import { parseWith, route } from "@/lib/http";
import { searchParamsObject, searchQuery } from "./schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Instant passage search, no LLM: hybrid search with the query's words highlighted.
export const GET = route(async (request: Request) => {
  const { q, limit, collection, all } = parseWith(searchQuery, searchParamsObject(new URL(request.url).searchParams));
  const { results, narrowedTo, named } = await searchReadablePassagesScoped(currentPrincipal(), q, { collections: collection, limit, widen: all === "1" });
  return Response.json({
    query: q,
    // The documents the query names, which the search was narrowed to (empty: all readable documents).
    narrowedTo,
    named,
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
