import { CairnError } from "@/core/errors";

// Every value that reaches a LanceDB `where` string goes through here. Ids come from
// users indirectly (file names, collection names), so they are validated and quoted,
// never pasted into SQL as they are.

const MAX_ID_LENGTH = 512;
// Control characters (incl. NUL and newlines) have no business in an id.
const CONTROL_CHARS = /\p{Cc}/u;

/** Throws unless `id` is a non-empty string of at most 512 printable characters. */
export function assertValidId(id: unknown, what: string): asserts id is string {
  if (typeof id !== "string" || id.length === 0)
    throw new CairnError("bad_request:vectorstore", `${what} must be a non-empty string.`, { reason: "invalid_id" });
  if (id.length > MAX_ID_LENGTH)
    throw new CairnError("bad_request:vectorstore", `${what} is longer than ${MAX_ID_LENGTH} characters.`, { reason: "invalid_id" });
  if (CONTROL_CHARS.test(id))
    throw new CairnError("bad_request:vectorstore", `${what} contains control characters.`, { reason: "invalid_id" });
}

/**
 * A SQL string literal for `value`: single quotes doubled, as standard SQL (and
 * DataFusion, which LanceDB filters use) expects. Backslashes are not escapes there.
 */
export function sqlString(value: string): string {
  if (CONTROL_CHARS.test(value))
    throw new CairnError("bad_request:vectorstore", "A filter value contains control characters.", { reason: "invalid_id" });
  return `'${value.replaceAll("'", "''")}'`;
}

/** `column = 'value'` with the value validated and quoted. */
export function sqlEquals(column: string, value: string, what: string): string {
  assertValidId(value, what);
  return `${column} = ${sqlString(value)}`;
}

/** `column IN ('a', 'b')`; callers must handle the empty list themselves (it is never "all"). */
export function sqlIn(column: string, values: readonly string[], what: string): string {
  if (values.length === 0) throw new CairnError("internal:vectorstore", `Empty ${what} list reached a filter.`);
  for (const v of values) assertValidId(v, what);
  return `${column} IN (${[...new Set(values)].map(sqlString).join(", ")})`;
}
