import { readableCollections, type Principal } from "./auth";

/** The collections a request may search: the requested ones the caller can read, never more. */
export function resolveCollections(principal: Principal, requested?: readonly string[]): string[] {
  const readable = readableCollections(principal);
  if (!requested) return readable;
  const wanted = new Set(requested);
  return readable.filter((c) => wanted.has(c));
}
