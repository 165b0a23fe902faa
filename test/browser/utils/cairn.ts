import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ensureBuild, npmBin, offlineEnv, root, workerCommand } from "../../../scripts/lib.mjs";

export const artifactsDir = path.join(root, "test", "artifacts");

export interface RunningCairn {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  logs(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** Starts the built web app and the worker, as `npm start` does, on a temp data dir and a free port. */
export async function startCairn(extraEnv: Record<string, string> = {}, opts: { worker?: boolean; port?: number; dataDir?: string; build?: boolean } = {}): Promise<RunningCairn> {
  // build: false for a second server on the same build: a rebuild would pull the files from under the first.
  if (opts.build !== false) ensureBuild();
  const port = opts.port ?? (await freePort());
  // A given data dir is shared (web replicas) and left in place; a temp one is removed on stop.
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "cairn-e2e-"));
  const env: NodeJS.ProcessEnv = { ...process.env, ...offlineEnv, NODE_ENV: "production", CAIRN_DATA_DIR: dataDir, CAIRN_PORT: String(port), ...extraEnv };
  let log = "";
  const collect = (p: ChildProcess) => {
    p.stdout?.on("data", (d) => (log += d));
    p.stderr?.on("data", (d) => (log += d));
  };
  const procs: ChildProcess[] = [];
  const web = spawn(npmBin("next"), ["start", "-H", "127.0.0.1", "-p", String(port)], { cwd: root, env });
  collect(web);
  procs.push(web);
  if (opts.worker !== false) {
    const worker = spawn(workerCommand[0], workerCommand[1], { cwd: root, env });
    collect(worker);
    procs.push(worker);
  }
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (web.exitCode !== null) throw new Error(`web app exited early:\n${log}`);
    try {
      const res = await fetch(url + "/api/documents");
      if (res.status < 500) break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`web app did not start in 60 s (${(e as Error).message}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    dataDir,
    logs: () => log,
    async stop() {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null) return resolve();
              p.on("exit", () => resolve());
              p.kill("SIGTERM");
              setTimeout(() => p.kill("SIGKILL"), 5000).unref();
            }),
        ),
      );
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
  });
}

/** Collects every request the page makes to anything but this machine (expected: none). */
export function watchExternal(page: Page): string[] {
  const external: string[] = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(u.hostname) && !["data:", "blob:"].includes(u.protocol)) external.push(r.url());
  });
  return external;
}
