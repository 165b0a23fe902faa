import fs from "node:fs";
import path from "node:path";

// Calls the real route handlers under app/api in-process, by URL, like a browser or curl would:
// cookies kept per client, any headers. Every route file is found on disk, so a route added
// later is covered by the suites that walk them all.

const root = path.resolve(import.meta.dirname, "..", "..");
const apiDir = path.join(root, "app", "api");
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export interface ApiRoute {
  /** e.g. /api/documents/[id]/file */
  path: string;
  methods: (typeof METHODS)[number][];
  segments: string[];
  module: Record<string, unknown>;
}

export function apiRouteFiles(): string[] {
  return (fs.readdirSync(apiDir, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === "route.ts")
    .map((f) => path.join(apiDir, f))
    .sort();
}

export async function loadApiRoutes(): Promise<ApiRoute[]> {
  const routes: ApiRoute[] = [];
  for (const file of apiRouteFiles()) {
    const rel = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep);
    const module = (await import(file)) as Record<string, unknown>;
    routes.push({
      path: "/" + rel.join("/"),
      segments: rel,
      methods: METHODS.filter((m) => typeof module[m] === "function"),
      module,
    });
  }
  // Static segments win over dynamic ones, as in Next's router.
  const dyn = (r: ApiRoute) => r.segments.filter((s) => s.startsWith("[")).length;
  return routes.sort((a, b) => dyn(a) - dyn(b));
}

function match(route: ApiRoute, parts: string[]): Record<string, string | string[]> | null {
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i];
    const catchAll = /^\[\.\.\.(.+)\]$/.exec(seg);
    if (catchAll) {
      if (parts.length <= i) return null;
      params[catchAll[1]] = parts.slice(i);
      return params;
    }
    if (i >= parts.length) return null;
    const dynamic = /^\[(.+)\]$/.exec(seg);
    if (dynamic) params[dynamic[1]] = parts[i];
    else if (seg !== parts[i]) return null;
  }
  return parts.length === route.segments.length ? params : null;
}

export interface ClientOptions {
  origin?: string;
  ip?: string;
  bearer?: string;
  headers?: Record<string, string>;
}

export class ApiClient {
  cookies = new Map<string, string>();

  constructor(
    private readonly routes: ApiRoute[],
    private readonly options: ClientOptions = {},
  ) {}

  async fetch(method: string, url: string, init: { body?: BodyInit; json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url, "http://127.0.0.1:3100");
    const parts = u.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    let found: { route: ApiRoute; params: Record<string, string | string[]> } | undefined;
    for (const route of this.routes) {
      const params = match(route, parts);
      if (params) {
        found = { route, params };
        break;
      }
    }
    if (!found) return new Response(null, { status: 404 });
    const handler = found.route.module[method] as Handler | undefined;
    if (!handler) return new Response(null, { status: 405 });
    const headers: Record<string, string> = { host: u.host, "x-forwarded-for": this.options.ip ?? "10.0.0.1", ...this.options.headers, ...init.headers };
    if (this.options.origin) headers.origin = this.options.origin;
    if (this.options.bearer) headers.authorization = `Bearer ${this.options.bearer}`;
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] = "application/json";
    }
    const req = new Request(u, { method, headers, body });
    const res = await handler(req, { params: Promise.resolve(found.params) });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const [k, v] = pair.split("=");
      if (attrs.some((a) => /max-age=0\b/i.test(a.trim())) || v === "") this.cookies.delete(k.trim());
      else this.cookies.set(k.trim(), v);
    }
    return res;
  }

  get = (url: string, headers?: Record<string, string>) => this.fetch("GET", url, { headers });
  post = (url: string, json?: unknown, headers?: Record<string, string>) => this.fetch("POST", url, { json, headers });
  delete = (url: string) => this.fetch("DELETE", url);

  async login(name: string, password: string): Promise<Response> {
    return this.post("/api/auth/login", { name, password });
  }
}

const boundary = "----cairnApiClientBoundary";

/** A multipart/form-data body of files, as the upload dropzone sends. */
export function multipart(files: { name: string; body: string | Buffer }[]): { body: Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    chunks.push(Buffer.isBuffer(f.body) ? f.body : Buffer.from(f.body));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(chunks)), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}
