// `npm start`: install, build, then run the ingestion worker beside the web app.
import { spawn, spawnSync } from "node:child_process";
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

const worker = startWorker();
const web = spawn(npmBin("next"), ["start", "-H", host, "-p", port], { cwd: root, stdio: "inherit", env });
console.log(`\nCairn is starting on http://${host}:${port}\n`);

function stop(code = 0) {
  stopping = true;
  worker.kill("SIGTERM");
  web.kill("SIGTERM");
  setTimeout(() => process.exit(code), 2000).unref();
}
web.on("exit", (code) => stop(code ?? 0));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
