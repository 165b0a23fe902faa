import { createHash } from "node:crypto";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { getSessionUser, useApiKey, type UserRow } from "@/core/db/queries";
import { CairnError } from "@/core/errors";
import { accountsEnabled, currentPrincipal, type Principal } from "./auth";
import { RateLimitedError, RateLimiter } from "./utils/rateLimit";

// Turns an HTTP request into a Principal: the session cookie or an API key, plus the
// checks every request passes before its handler runs (same-origin for writes, rate limit).

export const SESSION_COOKIE = "cairn_session";
export const API_KEY_PREFIX = "cairn_";

const db = () => openDb(config().dbPath);
export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const toPrincipal = (u: UserRow, via: Principal["via"]): Principal => ({ userId: u.id, name: u.name, via });

/** The caller, from `Authorization: Bearer cairn_…` or the session cookie; null when neither is valid. */
export function principalFromHeaders(headers: Headers): Principal | null {
  if (!accountsEnabled()) return currentPrincipal();
  // Only our own keys: another scheme (a proxy's Basic auth) is not ours to judge, and is ignored.
  const m = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "");
  if (m && m[1].startsWith(API_KEY_PREFIX)) {
    const user = useApiKey(db(), sha256(m[1]));
    if (!user) throw new CairnError("unauthorized:auth", "This API key is unknown or revoked.");
    return toPrincipal(user, "api_key");
  }
  const token = readCookie(headers.get("cookie"), SESSION_COOKIE);
  if (!token) return null;
  const user = getSessionUser(db(), sha256(token), Date.now());
  return user ? toPrincipal(user, "session") : null;
}

/** The client's address as the server saw it; behind a reverse proxy, the proxy's X-Forwarded-For. */
export function clientIp(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "unknown";
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF: a state-changing request that a browser sends carries Origin (and Sec-Fetch-Site);
 * it must be this server's own origin or one in CAIRN_TRUSTED_ORIGINS. Clients that are not
 * browsers (curl, scripts with an API key) send neither and cannot be driven by another site.
 */
const LOOPBACK_HOST = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d+)?$/i;

/**
 * DNS rebinding: a page on another site whose name is made to resolve to 127.0.0.1 would reach
 * the single-user Cairn as same-origin and read everything. Listening on loopback without
 * accounts, only a loopback Host (or a trusted origin's) is served. No Host: not from a browser.
 */
export function hostAllowed(headers: Headers): boolean {
  const host = headers.get("host");
  if (!host || accountsEnabled() || !LOOPBACK_HOST.test(config().host)) return true;
  if (LOOPBACK_HOST.test(host)) return true;
  return config().trustedOrigins.some((o) => {
    try {
      return new URL(o).host === host;
    } catch {
      return false;
    }
  });
}

export function assertAllowedHost(request: Request): void {
  if (!hostAllowed(request.headers)) {
    throw new CairnError("forbidden:auth", `Cairn serves this machine only; the host "${request.headers.get("host")}" is not this machine.`, { reason: "host" });
  }
}

export function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site") throw new CairnError("forbidden:auth", "Cross-site requests may not change anything here.", { reason: "csrf" });
  if (!origin) return;
  if (origin === "null") throw new CairnError("forbidden:auth", "Requests from an opaque origin may not change anything here.", { reason: "csrf" });
  let host: string;
  try {
    host = new URL(origin).host;
  } catch (cause) {
    throw new CairnError("forbidden:auth", "The Origin header is not a valid origin.", { reason: "csrf", cause });
  }
  const own = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (own && host === own) return;
  if (config().trustedOrigins.includes(origin)) return;
  throw new CairnError("forbidden:auth", `Requests from ${origin} may not change anything here.`, { reason: "csrf" });
}

// Per caller (user, or address when logged out): generous for a person, a wall for a flood.
let requestLimiter: RateLimiter | undefined;

export function assertWithinRateLimit(key: string): void {
  requestLimiter ??= new RateLimiter(config().rateLimitPerMin, 60_000);
  if (!requestLimiter.hit(key)) {
    const wait = requestLimiter.retryAfterSeconds(key);
    throw new RateLimitedError("api", `Too many requests; try again in ${wait} s.`, wait);
  }
}

const isHttps = (request: Request) => request.headers.get("x-forwarded-proto") === "https" || new URL(request.url).protocol === "https:";

/** httpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure over HTTPS. */
export function sessionCookie(request: Request, token: string, expiresAt: number): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${isHttps(request) ? "; Secure" : ""}`;
}

export function clearedSessionCookie(request: Request): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${isHttps(request) ? "; Secure" : ""}`;
}
