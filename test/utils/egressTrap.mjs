// Preload (`node --import ./test/utils/egressTrap.mjs`): records and blocks every attempt to reach
// anything but this machine — TCP/TLS connects (http, https, fetch/undici, WebSockets all end in
// net.Socket#connect), DNS lookups of other names, UDP sends. Each attempt is appended as a JSON
// line to $CAIRN_EGRESS_LOG with its stack; each process writes an "armed" line first, so a test
// can tell the trap was loaded where it claims to watch.
import dgram from "node:dgram";
import dns from "node:dns";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import tls from "node:tls";

const logFile = process.env.CAIRN_EGRESS_LOG;
const record = (entry) => {
  if (logFile) fs.appendFileSync(logFile, JSON.stringify({ pid: process.pid, ...entry }) + "\n");
};

const LOOPBACK_NAMES = new Set(["localhost", "ip6-localhost", "ip6-loopback"]);
function isLoopback(host) {
  if (host === undefined || host === null || host === "") return true; // Node defaults to localhost
  const h = String(host).replace(/^\[|\]$/g, "").toLowerCase();
  if (LOOPBACK_NAMES.has(h) || h.endsWith(".localhost")) return true;
  if (net.isIPv4(h)) return h.startsWith("127.");
  if (net.isIPv6(h)) return h === "::1" || /^::ffff:127\./.test(h) || /^(0:){7}1$/.test(h);
  return false;
}

function blocked(kind, target) {
  record({ kind, target, stack: new Error().stack?.split("\n").slice(2, 12).join("\n") });
  const e = new Error(`egress blocked: ${kind} ${target}`);
  e.code = "ECONNREFUSED";
  return e;
}

record({ kind: "armed", argv: process.argv.slice(1, 3).join(" ") });

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = typeof args[0] === "object" && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: typeof args[1] === "string" ? args[1] : undefined };
  if (!opts?.path && !isLoopback(opts?.host)) {
    const err = blocked("tcp", `${opts?.host}:${opts?.port}`);
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return connect.apply(this, args);
};

const tlsConnect = tls.connect;
tls.connect = function (...args) {
  const opts = typeof args[0] === "object" && args[0] !== null ? args[0] : { port: args[0], host: typeof args[1] === "string" ? args[1] : undefined };
  if (!opts.socket && !opts.path && !isLoopback(opts.host)) throw blocked("tls", `${opts.host}:${opts.port}`);
  return tlsConnect.apply(this, args);
};

for (const name of ["lookup", "resolve", "resolve4", "resolve6", "resolveAny", "resolveCname", "resolveMx", "resolveTxt", "resolveSrv", "reverse"]) {
  const real = dns[name];
  if (typeof real !== "function") continue;
  dns[name] = function (host, ...rest) {
    if (!isLoopback(host)) {
      const cb = rest.findLast?.((a) => typeof a === "function");
      const err = blocked("dns", String(host));
      if (cb) return void process.nextTick(() => cb(err));
      throw err;
    }
    return real.call(this, host, ...rest);
  };
  const realP = dns.promises[name];
  if (typeof realP === "function") {
    dns.promises[name] = function (host, ...rest) {
      if (!isLoopback(host)) return Promise.reject(blocked("dns", String(host)));
      return realP.call(this, host, ...rest);
    };
  }
}

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (msg, ...rest) {
  const host = rest.find((a) => typeof a === "string");
  if (!isLoopback(host)) {
    const cb = rest.findLast?.((a) => typeof a === "function");
    const err = blocked("udp", String(host));
    if (cb) return void process.nextTick(() => cb(err));
    return;
  }
  return send.call(this, msg, ...rest);
};

// ESM imports of node:dns and friends see the patched functions too.
syncBuiltinESMExports();
