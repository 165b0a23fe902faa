import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFrontServer } from "../../../scripts/frontServer.mjs";

// The front server `npm start` puts before Next in intranet mode: the address it forwards is the
// one it saw (a client cannot choose its own for the per-address login limit), TLS with a given
// cert/key, streams pass through as they are written, and a missing upstream is a clear 502.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eng10-front-"));
let upstream: http.Server;
let upstreamPort: number;
const servers: http.Server[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("event: one\n\n");
      setTimeout(() => res.end("event: two\n\n"), 400);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ xff: req.headers["x-forwarded-for"], proto: req.headers["x-forwarded-proto"], xfh: req.headers["x-forwarded-host"] ?? null, host: req.headers.host }));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  upstreamPort = (upstream.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of [...servers, upstream]) await new Promise((r) => s.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function front(opts: { trustProxy?: boolean; tls?: boolean; upstreamPort?: number } = {}): Promise<string> {
  let cert: string | undefined;
  let key: string | undefined;
  if (opts.tls) {
    cert = path.join(dir, "cert.pem");
    key = path.join(dir, "key.pem");
    const r = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl is needed to make a test certificate: ${r.error?.message ?? r.stderr}`);
  }
  const server = (await startFrontServer({ host: "127.0.0.1", port: 0, upstreamPort: opts.upstreamPort ?? upstreamPort, cert, key, trustProxy: opts.trustProxy })) as http.Server;
  servers.push(server);
  return `${opts.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("front server", () => {
  test("X-Forwarded-For is the address it saw, whatever the client claims; X-Forwarded-Host is dropped", async () => {
    const url = await front();
    const body = await (await fetch(url + "/x", { headers: { "x-forwarded-for": "6.6.6.6", "x-forwarded-host": "evil.example" } })).json();
    expect(body).toMatchObject({ xff: "127.0.0.1", proto: "http", xfh: null });
    expect(body.host).toBe(new URL(url).host);
  });

  test("behind a trusted reverse proxy, the address that proxy appended is kept", async () => {
    const url = await front({ trustProxy: true });
    const body = await (await fetch(url + "/x", { headers: { "x-forwarded-for": "6.6.6.6, 10.1.2.3", "x-forwarded-proto": "https" } })).json();
    expect(body).toMatchObject({ xff: "10.1.2.3", proto: "https" });
  });

  test("TLS with the given cert and key; requests are marked https and HSTS is sent", async () => {
    const url = await front({ tls: true });
    const res = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
      https
        .get(url + "/x", { rejectUnauthorized: false }, (r) => {
          let body = "";
          r.on("data", (d) => (body += d));
          r.on("end", () => resolve({ status: r.statusCode!, hsts: r.headers["strict-transport-security"] as string | undefined, body }));
        })
        .on("error", reject);
    });
    expect(res.status).toBe(200);
    expect(res.hsts).toMatch(/max-age=\d+/);
    expect(JSON.parse(res.body).proto).toBe("https");
  });

  test("a stream's first event arrives before the upstream has finished", async () => {
    const url = await front();
    const res = await fetch(url + "/stream");
    const reader = res.body!.getReader();
    const t = performance.now();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("event: one");
    expect(performance.now() - t).toBeLessThan(350);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain("event: two");
  });

  test("no upstream: a 502 with a message, not a hang", async () => {
    const url = await front({ upstreamPort: 9 });
    const res = await fetch(url + "/api/documents");
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe("unavailable:api");
  });
});
