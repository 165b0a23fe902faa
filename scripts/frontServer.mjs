// The front door for intranet mode (`npm start` with CAIRN_ACCOUNTS=on or TLS): listens on
// CAIRN_HOST:CAIRN_PORT, optionally with TLS (CAIRN_TLS_CERT/CAIRN_TLS_KEY), and forwards to the
// Next server on a loopback port. It sets X-Forwarded-For to the address it really saw — a client
// cannot pick its own for the per-address login limit — and X-Forwarded-Proto. Behind a reverse
// proxy (CAIRN_TRUST_PROXY=1) it keeps the address that proxy appended instead.
// Plain Node on purpose: it runs beside the built app, not through it.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";

const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

/** Starts the front server; resolves once it listens. */
export function startFrontServer({ host, port, upstreamPort, cert, key, trustProxy = false }) {
  const tls = Boolean(cert && key);
  const handler = (req, res) => {
    const seen = req.socket.remoteAddress ?? "unknown";
    const forwarded = String(req.headers["x-forwarded-for"] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
    headers["x-forwarded-for"] = trustProxy && forwarded.length ? forwarded.at(-1) : seen;
    headers["x-forwarded-proto"] = tls ? "https" : trustProxy && req.headers["x-forwarded-proto"] ? req.headers["x-forwarded-proto"] : "http";
    delete headers["x-forwarded-host"];
    const upstream = http.request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers }, (up) => {
      const out = {};
      for (const [k, v] of Object.entries(up.headers)) if (!HOP.has(k)) out[k] = v;
      if (tls) out["strict-transport-security"] = "max-age=31536000";
      res.writeHead(up.statusCode ?? 502, out);
      // Streams (answers as SSE, file downloads) pass through as they come.
      res.flushHeaders();
      up.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "unavailable:api", message: "Cairn is starting or restarting; try again in a moment." } }));
    });
    // A client that goes away stops its request upstream (and the answer being generated).
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
  const server = tls ? https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, handler) : http.createServer(handler);
  server.requestTimeout = 0; // long uploads and answers; Next applies its own limits
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
