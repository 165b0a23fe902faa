import { NextResponse, type NextRequest } from "next/server";
import { isCairnError } from "@/core/errors";
import { accountsEnabled } from "@/lib/auth";
import { hostAllowed, principalFromHeaders } from "@/lib/requestAuth";

// Every page gets a strict Content-Security-Policy with a fresh nonce: scripts only from this
// origin and Next's own nonce'd inline bootstraps, no third-party origin anywhere, no framing.
// A logged-out visitor (as lib/ judges the session) is sent to /login before any page renders,
// so no server-rendered page data reaches them, not even inside a redirect.

export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""} 'wasm-unsafe-eval'`,
    // React style attributes (highlight boxes over PDF text); no remote stylesheets.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const isLoginPage = (path: string) => path === "/login";

function signedIn(request: NextRequest): boolean {
  try {
    return principalFromHeaders(request.headers) !== null;
  } catch (e) {
    // A revoked or unknown API key on a page: logged out, not a server error.
    if (isCairnError(e) && e.type === "unauthorized") return false;
    throw e;
  }
}

export function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname;
  if (!hostAllowed(request.headers)) {
    return new NextResponse("Cairn serves this machine only: open it at http://127.0.0.1.", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  if (accountsEnabled() && !isLoginPage(path) && !signedIn(request)) {
    const login = new URL("/login", request.url);
    login.searchParams.set("next", path + request.nextUrl.search);
    return NextResponse.redirect(login, 307);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  headers.set("x-cairn-path", path + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "no-referrer");
  return response;
}

export const config = {
  // Pages only: API routes (/api, and the OpenAI-compatible /v1) set their own headers and answer 401s themselves.
  matcher: [{ source: "/((?!api/|v1/|_next/static|_next/image|favicon.ico).*)" }],
};
