import type { z } from "zod";
import { CairnError, isCairnError } from "@/core/errors";

/** Maps thrown errors to JSON responses: CairnErrors by their status, anything else as a logged 500. */
export function errorResponse(e: unknown): Response {
  if (isCairnError(e)) {
    if (e.type === "internal") console.error(e);
    return Response.json({ error: e.toJSON() }, { status: e.status });
  }
  console.error(e);
  const internal = new CairnError("internal:api", "unexpected error");
  return Response.json({ error: internal.toJSON() }, { status: 500 });
}

export function route<A extends unknown[]>(handler: (...args: A) => Promise<Response> | Response) {
  return async (...args: A): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** Parses a JSON body against a schema; malformed JSON and schema failures are 400s with the reason. */
export async function parseJsonBody<T>(request: Request, schema: z.ZodType<T>, maxBytes = 64 * 1024): Promise<T> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new CairnError("payload_too_large:api", `Request body over ${maxBytes} bytes.`);
  const text = await request.text();
  if (text.length > maxBytes) throw new CairnError("payload_too_large:api", `Request body over ${maxBytes} bytes.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CairnError("bad_request:api", "The request body is not valid JSON.", { cause });
  }
  return parseWith(schema, json);
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    throw new CairnError("bad_request:api", `Invalid request: ${issues}`);
  }
  return parsed.data;
}
