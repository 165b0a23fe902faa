import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { ensureMoto } from "../../scripts/lib.mjs";

// moto's standalone S3 server (PyPI moto[server], installed by scripts/lib.mjs into
// ~/.cache/cairn/moto) on a loopback port: an S3-compatible store for the object-storage tests.
// Chosen over Ceph's radosgw: one pip package, no cluster to bootstrap, starts in a second,
// and it implements the conditional PUT (If-None-Match: *, 412 on a taken key) LanceDB commits with.

export interface Moto {
  endpoint: string;
  /** Storage options and env for Cairn (CAIRN_S3_*) pointing at this server. */
  env: Record<string, string>;
  createBucket(name: string): Promise<void>;
  /** PUTs of a LanceDB manifest refused because another writer had taken that version (412). */
  manifestConflicts(): number;
  stop(): Promise<void>;
  logs(): string;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export async function startMoto(ports: number[] = [55440, 55441, 55442, 55443, 55444, 55445, 55446, 55447, 55448, 55449]): Promise<Moto> {
  const bin = ensureMoto();
  let port: number | undefined;
  for (const p of ports) if (await portFree(p)) { port = p; break; }
  if (port === undefined) throw new Error(`no free port for moto among ${ports.join(", ")}`);
  let log = "";
  let conflicts = 0;
  const proc: ChildProcess = spawn(bin, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout?.on("data", (d) => (log += d));
  proc.stderr?.on("data", (d: Buffer) => {
    const text = d.toString();
    conflicts += text.match(/PUT \S+\/_versions\/\d+\.manifest HTTP\/1\.1\S*" 412/g)?.length ?? 0;
    log = (log + text).slice(-20_000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`moto_server exited with ${proc.exitCode}:\n${log}`);
    try {
      if ((await fetch(endpoint + "/")).status < 500) break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${endpoint} in 30 s (${(e as Error).message}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    env: { CAIRN_S3_ENDPOINT: endpoint, CAIRN_S3_REGION: "us-east-1", CAIRN_S3_ACCESS_KEY_ID: "test", CAIRN_S3_SECRET_ACCESS_KEY: "test" },
    logs: () => log,
    manifestConflicts: () => conflicts,
    async createBucket(name) {
      const res = await fetch(`${endpoint}/${name}`, { method: "PUT" });
      if (res.status !== 200) throw new Error(`moto: creating bucket ${name} gave ${res.status}: ${await res.text()}`);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
        setTimeout(() => proc.kill("SIGKILL"), 3000).unref();
      });
    },
  };
}

/** LanceDB storageOptions for the same server (as lib reads them from CAIRN_S3_*). */
export function motoStorageOptions(m: Moto): Record<string, string> {
  return { endpoint: m.endpoint, allow_http: "true", region: "us-east-1", access_key_id: "test", secret_access_key: "test" };
}
