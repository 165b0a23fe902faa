// `npm start`: install, build, then run the ingestion worker beside the web app.
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { startFrontServer } from "./frontServer.mjs";
import { ensureBuild, ensureDependencies, npmBin, offlineEnv, root, workerCommand } from "./lib.mjs";

ensureDependencies();

const host = process.env.CAIRN_HOST ?? "127.0.0.1";
const port = process.env.CAIRN_PORT ?? "3000";
const env = { ...process.env, ...offlineEnv, NODE_ENV: "production" };

// Intranet mode (a non-loopback CAIRN_HOST) refuses to start without accounts and an admin.
const check = spawnSync(process.execPath, ["--import", "tsx", "lib/adminCli.ts", "check-listen"], { cwd: root, stdio: "inherit", env });
if (check.status !== 0) process.exit(1);

// No models yet: offer the defaults once (on a terminal), or CAIRN_AUTO_PULL=1; never blocks CI.
spawnSync(process.execPath, ["--import", "tsx", "scripts/firstRun.ts"], { cwd: root, stdio: "inherit", env });
ensureBuild();
let stopping = false;

function startWorker(attempt = 0) {
  const worker = spawn(workerCommand[0], workerCommand[1], { cwd: root, stdio: "inherit", env });
  worker.on("exit", (code, signal) => {
    if (stopping) return;
    // The worker is supervised: a crash must not leave uploads stuck. Jobs resume from SQLite.
    const delay = Math.min(30_000, 1000 * 2 ** attempt);
    console.error(`worker exited (${signal ?? code}); restarting in ${delay / 1000}s`);
    setTimeout(() => startWorker(attempt + 1), delay);
  });
  return worker;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
    srv.on("error", reject);
  });

// With accounts or TLS, a front server takes the public port (TLS, the client's real address for
// login limits) and Next listens on loopback only; without, Next listens where it is told.
const cert = process.env.CAIRN_TLS_CERT;
const key = process.env.CAIRN_TLS_KEY;
if (Boolean(cert) !== Boolean(key)) {
  console.error("✖ Set both CAIRN_TLS_CERT and CAIRN_TLS_KEY (PEM files), or neither.");
  process.exit(1);
}
const front = process.env.CAIRN_ACCOUNTS === "on" || Boolean(cert);
const webPort = front ? String(await freePort()) : port;

const worker = startWorker();
const web = spawn(npmBin("next"), ["start", "-H", front ? "127.0.0.1" : host, "-p", webPort], { cwd: root, stdio: "inherit", env });
if (front) {
  await startFrontServer({ host, port: Number(port), upstreamPort: Number(webPort), cert, key, trustProxy: process.env.CAIRN_TRUST_PROXY === "1" });
}
console.log(`\nCairn is starting on ${cert ? "https" : "http"}://${host}:${port}\n`);

function stop(code = 0) {
  stopping = true;
  worker.kill("SIGTERM");
  web.kill("SIGTERM");
  setTimeout(() => process.exit(code), 2000).unref();
}
web.on("exit", (code) => stop(code ?? 0));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
