// A throw-away PostgreSQL cluster for tests: Debian's `postgresql` server (installed on first use,
// like chromium in lib.mjs), initdb'd into a temp dir on a free loopback port, removed on stop.
// initdb and postgres refuse to run as root, so as root both run as the `postgres` user.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const PG_ROOT = "/usr/lib/postgresql";

/** The newest installed server's bin dir, or undefined. */
function serverBin() {
  if (!fs.existsSync(PG_ROOT)) return undefined;
  const versions = fs
    .readdirSync(PG_ROOT)
    .filter((v) => fs.existsSync(path.join(PG_ROOT, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(PG_ROOT, versions[0], "bin") : undefined;
}

/** Installs Debian's postgresql when no initdb is there; returns the server's bin dir. */
export function ensurePostgres() {
  const found = serverBin();
  if (found) return found;
  console.log("› Installing Debian's postgresql for the PostgreSQL tests…");
  const root = process.getuid?.() === 0;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) => {
    const r = spawnSync(root ? "apt-get" : "sudo", root ? args : ["apt-get", ...args], { stdio: "inherit", env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (${r.status})`);
  };
  spawnSync(root ? "apt-get" : "sudo", root ? ["update"] : ["apt-get", "update"], { stdio: "inherit", env });
  apt(["install", "-y", "--no-install-recommends", "postgresql"]);
  const bin = serverBin();
  if (!bin) throw new Error(`postgresql installed but no ${PG_ROOT}/*/bin/initdb`);
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function userIds(name) {
  const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
  return { uid, gid };
}

async function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/**
 * Starts a cluster: `{ url, port, dir, createDatabase(name) → url, stop() }`. `url` is the
 * `postgres` maintenance database (trust auth on 127.0.0.1 only); each test makes its own
 * database with createDatabase. Options: `port` (default CAIRN_TEST_PG_PORT or a free one),
 * `dirPrefix` (default <tmp>/cairn-pg-).
 */
export async function startPostgres({ port, dirPrefix } = {}) {
  const bin = ensurePostgres();
  port ??= Number(process.env.CAIRN_TEST_PG_PORT) || (await freePort());
  const dir = fs.mkdtempSync(dirPrefix ?? path.join(os.tmpdir(), "cairn-pg-"));
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? userIds("postgres") : {};
  if (asRoot) fs.chownSync(dir, ids.uid, ids.gid);
  const data = path.join(dir, "data");
  const init = spawnSync(
    path.join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
    { ...ids, cwd: dir, encoding: "utf8" },
  );
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error}`);
  }
  let log = "";
  // A throw-away cluster: no fsync, a socket in its own dir, loopback TCP only.
  const proc = spawn(
    path.join(bin, "postgres"),
    ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=100"],
    { ...ids, cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout.on("data", (d) => (log += d));
  proc.stderr.on("data", (d) => (log += d));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise((resolve) => {
        proc.once("exit", resolve);
        proc.kill("SIGINT"); // fast shutdown
        setTimeout(() => proc.kill("SIGKILL"), 10_000).unref();
      });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port)) || !/ready to accept connections/.test(log)) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`postgres did not start on port ${port}:\n${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const createDatabase = async (name) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    const { default: pg } = await import("pg");
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${name}`);
    } finally {
      await c.end();
    }
    return `postgres://postgres@127.0.0.1:${port}/${name}`;
  };
  return { url, port, dir, createDatabase, stop, logs: () => log };
}
