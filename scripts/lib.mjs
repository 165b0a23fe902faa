// Shared by start.mjs and test.mjs. Plain Node on purpose: it runs before `npm ci`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// No step may download a binary of its own or phone home.
export const offlineEnv = {
  NEXT_TELEMETRY_DISABLED: "1",
  NODE_LLAMA_CPP_SKIP_DOWNLOAD: "true",
  HF_HUB_OFFLINE: "1",
};

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...offlineEnv, ...opts.env } });
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFailure) {
    console.error(`\n✖ ${cmd} ${args.join(" ")} exited with ${r.status}`);
    process.exit(r.status ?? 1);
  }
  return r.status ?? 1;
}

/**
 * `npm install` when node_modules is missing or older than the lockfile. Not `npm ci`: the
 * lockfile omits other platforms' optional binaries (lancedb, swc, node-llama-cpp), which
 * `npm ci` treats as out of sync.
 */
export function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  console.log("› Installing npm packages (npm install)…");
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

/** Debian's chromium for browser tests; playwright's own browser download cannot work offline. */
export function ensureChromium() {
  if (fs.existsSync("/usr/bin/chromium")) return;
  console.log("› Installing Debian's chromium for browser tests…");
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const apt = (args) => (sudo.length ? run("sudo", ["apt-get", ...args]) : run("apt-get", args));
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  spawnSync(sudo.length ? "sudo" : "apt-get", sudo.length ? ["apt-get", "update"] : ["update"], { stdio: "inherit", env: { ...process.env, ...env } });
  apt(["install", "-y", "--no-install-recommends", "chromium"]);
}

export function npmBin(name) {
  return path.join(root, "node_modules", ".bin", name);
}

/** Build the web app unless the build is newer than every source file. */
export function ensureBuild({ force = false } = {}) {
  const buildId = path.join(root, process.env.CAIRN_NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (!force && fs.existsSync(buildId)) {
    const built = fs.statSync(buildId).mtimeMs;
    if (newestSourceMtime() <= built) return;
  }
  console.log("› Building the web app (next build)…");
  run(npmBin("next"), ["build"]);
}

function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (["node_modules", ".next", "data", "test", ".git", "bench-results"].includes(e.name) || e.name.startsWith(".next")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(root);
  return newest;
}

/** The worker as one process (`node --import tsx`), so signals — even SIGKILL — reach the worker itself, not a wrapper. */
export const workerCommand = [process.execPath, ["--import", "tsx", "ingest/worker.ts"]];

/**
 * moto's standalone S3 server (PyPI `moto[server]`) in a venv under ~/.cache/cairn/moto, for the
 * object-storage tests; returns the `moto_server` path. Installed once; pip reaches only PyPI.
 */
export function ensureMoto() {
  const venv = path.join(process.env.HOME || "/root", ".cache", "cairn", "moto");
  const bin = path.join(venv, "bin", "moto_server");
  if (fs.existsSync(bin)) return bin;
  console.log(`› Installing moto's S3 server (pip install moto[server]) into ${venv}…`);
  if (run("python3", ["-m", "venv", venv], { allowFailure: true }) !== 0) {
    // Debian's python3 ships venv (ensurepip) separately.
    fs.rmSync(venv, { recursive: true, force: true });
    const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
    const apt = (args) => (sudo.length ? run("sudo", ["apt-get", ...args]) : run("apt-get", args));
    apt(["install", "-y", "--no-install-recommends", "python3-venv"]);
    run("python3", ["-m", "venv", venv]);
  }
  run(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", "moto[server]>=5.1,<6"]);
  if (!fs.existsSync(bin)) throw new Error(`pip installed moto but ${bin} is missing`);
  return bin;
}
