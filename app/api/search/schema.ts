import { z } from "zod";
import { collectionId } from "../ask/schema";

export const MAX_QUERY_CHARS = 500;

/** Query string of GET /api/search: ?q=…&limit=…&collection=a&collection=b */
export const searchQuery = z.object({
  q: z.string().trim().min(1, "please type something to search for").max(MAX_QUERY_CHARS, `searches are at most ${MAX_QUERY_CHARS} characters`),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  collection: z.array(collectionId).max(100).optional(),
  /** all=1: every readable document, even when the query names some (the "search all documents" click). */
  all: z.enum(["0", "1"]).optional(),
});

export function searchParamsObject(params: URLSearchParams): Record<string, unknown> {
  const collections = params.getAll("collection");
  return {
    q: params.get("q") ?? "",
    limit: params.get("limit") ?? undefined,
    collection: collections.length ? collections : undefined,
    all: params.get("all") ?? undefined,
  };
}
