import type { z } from "zod";
import { CairnError, isCairnError, type Surface } from "@/core/errors";
import { accountsEnabled, runAs } from "./auth";
import { RateLimitedError } from "./utils/rateLimit";
import { assertAllowedHost, assertSameOrigin, assertWithinRateLimit, clientIp, principalFromHeaders } from "./requestAuth";

/**
 * What a client may see of an error: a CairnError as it is (an internal one shows only a
 * generic message); anything else (a filesystem or SQLite error, paths included) becomes a
 * generic internal error. Internal errors are logged here with their cause, never shown.
 */
export function toClientError(e: unknown, surface: Surface = "api"): CairnError {
  const err = isCairnError(e) ? e : new CairnError(`internal:${surface}`, "unexpected error", { cause: e });
  if (err.type === "internal") console.error(e);
  return err;
}

/** Maps thrown errors to JSON responses: CairnErrors by their status, anything else as a logged 500. */
export function errorResponse(e: unknown): Response {
  const err = toClientError(e);
  const headers = e instanceof RateLimitedError ? { "retry-after": String(e.retryAfterSeconds) } : undefined;
  return Response.json({ error: err.toJSON() }, { status: err.status, headers });
}

export interface RouteOptions {
  /** "public": reachable logged out (login, health); every other route needs a principal when accounts are on. */
  access?: "user" | "public";
  /** How a thrown error becomes a response; default errorResponse (the /v1 API answers in OpenAI's error shape). */
  onError?: (e: unknown) => Response;
}

/**
 * Every API route goes through here: same-origin check for writes, then (accounts on) the
 * caller is authenticated, rate-limited and bound for currentPrincipal(); logged out is a 401
 * before the handler runs, unless the route is public. Errors map to JSON by their type.
 */
export function route<A extends unknown[]>(handler: (...args: A) => Promise<Response> | Response, options: RouteOptions = {}) {
  return async (...args: A): Promise<Response> => {
    try {
      const request = args[0] instanceof Request ? args[0] : undefined;
      if (request) {
        assertAllowedHost(request);
        assertSameOrigin(request);
      }
      if (!accountsEnabled()) return await handler(...args);
      const principal = request ? principalFromHeaders(request.headers) : null;
      assertWithinRateLimit(principal ? `user:${principal.userId}` : `ip:${request ? clientIp(request.headers) : "unknown"}`);
      if (!principal && options.access !== "public") throw new CairnError("unauthorized:auth", "Please log in.");
      return await runAs(principal, () => handler(...args));
    } catch (e) {
      return (options.onError ?? errorResponse)(e);
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
