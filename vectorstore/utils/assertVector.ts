import { CairnError } from "@/core/errors";

/** A vector of the store's dimension with finite values; anything else would search garbage. */
export function assertVector(vector: unknown, dimensions: number, what: string): asserts vector is Float32Array {
  if (!(vector instanceof Float32Array))
    throw new CairnError("bad_request:vectorstore", `${what} must be a Float32Array.`, { reason: "invalid_vector" });
  if (vector.length !== dimensions)
    throw new CairnError(
      "conflict:vectorstore",
      `${what} has ${vector.length} dimensions but the store holds ${dimensions}-dimension embeddings; re-index needed if the embedding model changed.`,
      { reason: "dimension_mismatch" },
    );
  for (const x of vector)
    if (!Number.isFinite(x))
      throw new CairnError("bad_request:vectorstore", `${what} contains a non-finite value.`, { reason: "invalid_vector" });
}
