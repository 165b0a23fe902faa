import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { makeTinyGguf } from "../models/helpers/makeGguf";
import { startRangeServer } from "../models/helpers/rangeServer";

// scripts/firstRun.ts, the step of `npm start` that offers the default models: run as npm start
// runs it (its own process), against a local model server with a test catalogue.

const root = path.resolve(import.meta.dirname, "../../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-first-run-"));
const llm = makeTinyGguf({ architecture: "llama", tensorValues: 200_000 });
const embed = makeTinyGguf({ architecture: "bert", tensorValues: 50_000 });
const server = await startRangeServer({ "/t/r/tiny-llm.gguf": llm, "/t/r/tiny-embed.gguf": embed });
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const entry = (name: string, role: string, b: Buffer) => ({
  name,
  role,
  description: name,
  source: `hf:t/r/${name}.gguf`,
  fileName: `${name}.gguf`,
  sizeBytes: b.length,
  sha256: sha(b),
  license: "MIT",
  contextSize: 512,
  isDefault: true,
});
const catalogue = path.join(tmp, "catalogue.json");
fs.writeFileSync(catalogue, JSON.stringify({ models: [entry("tiny-llm", "llm", llm), entry("tiny-embed", "embedder", embed)] }));

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(tmp, "data-"));
  server.requests.length = 0;
});
afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function firstRun(env: Record<string, string>): Promise<{ code: number | null; out: string; ms: number }> {
  const started = Date.now();
  const { CAIRN_LLM_MODEL: _a, CAIRN_EMBED_MODEL: _b, CAIRN_AUTO_PULL: _c, ...base } = process.env;
  void [_a, _b, _c];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/firstRun.ts"], {
    cwd: root,
    // No stdin at all, as in CI: the script must not wait for an answer.
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...base, CAIRN_DATA_DIR: dataDir, CAIRN_TEST_MODELS_DIR: path.join(tmp, "none"), CAIRN_MODEL_CATALOGUE: catalogue, CAIRN_HF_BASE_URL: server.url, ...env },
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out, ms: Date.now() - started })));
}

// A terminal for the child: python's pty module, so the prompt sees isTTY as a person's shell would.
const PTY = `
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
answered = False
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not answered and b"[Y/n]" in out:
        os.write(fd, os.environ["ANSWER"].encode() + b"\\n")
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`;

function firstRunOnTerminal(answer: string): Promise<{ code: number | null; out: string }> {
  const { CAIRN_LLM_MODEL: _a, CAIRN_EMBED_MODEL: _b, CAIRN_AUTO_PULL: _c, CI: _d, ...base } = process.env;
  void [_a, _b, _c, _d];
  const child = spawn("python3", ["-c", PTY, process.execPath, "--import", "tsx", "scripts/firstRun.ts"], {
    cwd: root,
    env: { ...base, ANSWER: answer, CAIRN_DATA_DIR: dataDir, CAIRN_TEST_MODELS_DIR: path.join(tmp, "none"), CAIRN_MODEL_CATALOGUE: catalogue, CAIRN_HF_BASE_URL: server.url },
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out })));
}

describe("npm start's first-run step", () => {
  test("on a terminal it asks once; yes downloads with a progress bar, no downloads nothing", async () => {
    const no = await firstRunOnTerminal("n");
    expect(no.code).toBe(0);
    expect(no.out.match(/Download the default models now: tiny-embed and tiny-llm \(.+\)\? \[Y\/n\]/g)).toHaveLength(1);
    expect(no.out).toContain("Not downloading.");
    expect(server.requests).toEqual([]);

    const yes = await firstRunOnTerminal("y");
    expect(yes.code).toBe(0);
    expect(yes.out).toMatch(/tiny-llm \[#+-*\]/); // the drawn bar
    expect(yes.out).toMatch(/Installed tiny-llm/);
    expect(fs.existsSync(path.join(dataDir, "models", "tiny-llm.gguf"))).toBe(true);
  });

  test("CI without stdin: says where to get models, downloads nothing, does not wait", async () => {
    const r = await firstRun({ CI: "true" });
    expect(r.code).toBe(0);
    expect(r.out).toContain("No embedding model and no language model installed yet.");
    expect(r.out).toContain("CAIRN_AUTO_PULL=1");
    expect(r.out).toMatch(/Models page .*\/models/);
    expect(r.out).toContain("npm run test-models");
    expect(server.requests).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, "models", "tiny-llm.gguf"))).toBe(false);
  });

  test("CAIRN_AUTO_PULL=1 downloads the defaults without asking, verified", async () => {
    const r = await firstRun({ CI: "true", CAIRN_AUTO_PULL: "1" });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Installed tiny-embed \(.*sha256 verified\)/);
    expect(r.out).toMatch(/Installed tiny-llm \(.*sha256 verified\)/);
    expect(fs.readFileSync(path.join(dataDir, "models", "tiny-llm.gguf")).equals(llm)).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, "models", "tiny-embed.gguf")).equals(embed)).toBe(true);
    // Installed: the next start says nothing and fetches nothing.
    server.requests.length = 0;
    const again = await firstRun({ CI: "true", CAIRN_AUTO_PULL: "1" });
    expect(again.out).toBe("");
    expect(server.requests).toEqual([]);
  });

  test("offline: says clearly that the test models or an import are the way, and lets Cairn start", async () => {
    const r = await firstRun({ CI: "true", CAIRN_AUTO_PULL: "1", CAIRN_HF_BASE_URL: "http://127.0.0.1:9" });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(r.out).toContain("Without network there are two ways to get models");
    expect(r.out).toContain("npm run models -- import <file.gguf>");
    expect(r.out).toContain("Starting Cairn anyway");
  });
});
