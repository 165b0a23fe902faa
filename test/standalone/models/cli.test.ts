import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getCatalogueEntry } from "@/models/catalogue";
import { makeTinyGguf } from "./helpers/makeGguf";
import { startRangeServer, type RangeServer } from "./helpers/rangeServer";

// Runs the real CLI as a user would (npx tsx models/cli.ts), with its own data dir per test.
const root = path.resolve(import.meta.dirname, "../../..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

let dir: string;
let server: RangeServer;

beforeAll(async () => {
  // Something at the pinned Qwen path, but not the real 1.1 GB file.
  const qwenPath = getCatalogueEntry("qwen2.5-1.5b-instruct-q4_k_m").source.replace(/^hf:/, "/");
  server = await startRangeServer({ [qwenPath]: Buffer.alloc(1000) });
});
afterAll(() => server.close());
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cairn-cli-"));
  return () => rm(dir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ["models/cli.ts", ...args], {
      cwd: root,
      env: {
        NODE_ENV: "test",
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? dir,
        CAIRN_DATA_DIR: path.join(dir, "data"),
        CAIRN_TEST_MODELS_DIR: path.join(dir, "test-models"),
        CAIRN_HF_BASE_URL: server.url,
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A failure is one line on stderr starting with "error:". */
function expectOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp, code = 1) {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
}

describe("models CLI", () => {
  it("prints help", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("pull <name> [--allow-unverified]");
    expect(r.stdout).toContain("import <path>");
  });

  it("lists models with their state and the command to get each", async () => {
    const r = await cli(["list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Models dir: ${path.join(dir, "data", "models")}`);
    expect(r.stdout).toMatch(/qwen2\.5-1\.5b-instruct-q4_k_m\s+llm\s+1\.12 GB\s+missing\s+default\s+npm run models -- pull qwen2\.5-1\.5b-instruct-q4_k_m/);
    expect(r.stdout).toMatch(/qwen2\.5-coder-0\.5b-instruct-q4_k_m\s+llm.*missing\s+test\s+npm run test-models/);
    expect(r.stdout).toMatch(/LLM\s+: none installed/);

    const json = JSON.parse((await cli(["list", "--json"])).stdout);
    expect(json.models.map((m: { name: string }) => m.name)).toContain("bge-small-en-v1.5");
    expect(json.selected).toEqual([
      { role: "llm", model: null, problem: null },
      { role: "embedder", model: null, problem: null },
    ]);
  }, 60_000);

  it("imports a valid GGUF, which list then shows and selects", async () => {
    const source = path.join(dir, "Tiny-Embed.gguf");
    await writeFile(source, makeTinyGguf({ architecture: "nomic-bert" }));
    const r = await cli(["import", source]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Imported ${source} as embedder "tiny-embed"`);
    const dest = path.join(dir, "data", "models", "tiny-embed.gguf");
    expect((await readFile(dest)).equals(await readFile(source))).toBe(true);

    const list = await cli(["list"]);
    expect(list.stdout).toMatch(/tiny-embed\s+embedder\s+\S+ B\s+installed\s+imported/);
    expect(list.stdout).toMatch(/Embedder: tiny-embed \(models-dir\)/);
  }, 60_000);

  it("rejects bad import files with a clear one-line error and a non-zero exit", async () => {
    const text = path.join(dir, "readme.gguf");
    await writeFile(text, "hello, I am not a model");
    const empty = path.join(dir, "empty.gguf");
    await writeFile(empty, "");
    const [notGguf, isEmpty, missing, badRole] = await Promise.all([
      cli(["import", text]),
      cli(["import", empty]),
      cli(["import", path.join(dir, "nowhere.gguf")]),
      cli(["import", text, "--role", "chef"]),
    ]);
    expectOneLineError(notGguf, /readme\.gguf is not a GGUF model file/);
    expectOneLineError(isEmpty, /empty\.gguf is empty \(0 bytes\)/);
    expectOneLineError(missing, /No file at .*nowhere\.gguf/);
    expectOneLineError(badRole, /--role must be llm or embedder/, 2);
    await expect(stat(path.join(dir, "data", "models", "readme.gguf"))).rejects.toMatchObject({ code: "ENOENT" });
  }, 60_000);

  it("fails pull clearly: unknown name, test model, server errors, wrong size", async () => {
    const [unknown, testModel, usage] = await Promise.all([cli(["pull", "llama-9000"]), cli(["pull", "all-minilm-l6-v2"]), cli(["pull"])]);
    expectOneLineError(unknown, /No model named "llama-9000".*Known models:/);
    expectOneLineError(testModel, /test model.*npm run test-models/);
    expectOneLineError(usage, /pull needs exactly one model name/, 2);

    // The bge path is not on the local server: a 404 with the status.
    expectOneLineError(await cli(["pull", "bge-small-en-v1.5"]), /HTTP 404/);
    // A file at the Qwen path, but of the wrong size: refused before download, nothing installed.
    expectOneLineError(await cli(["pull", "qwen2.5-1.5b-instruct-q4_k_m"]), /Size mismatch: .* is 1000 bytes but 1117320736 were expected/);
    await expect(stat(path.join(dir, "data", "models", "qwen2.5-1.5b-instruct-q4_k_m.gguf"))).rejects.toMatchObject({ code: "ENOENT" });
    server.behaviour.failWithStatus = 502;
    const badGateway = await cli(["pull", "bge-small-en-v1.5"]);
    server.behaviour.failWithStatus = null;
    expectOneLineError(badGateway, /HTTP 502/);
    await expect(stat(path.join(dir, "data", "models", "bge-small-en-v1.5-f16.gguf"))).rejects.toMatchObject({ code: "ENOENT" });
  }, 60_000);

  it("rejects unknown commands and options with exit code 2", async () => {
    const [command, option] = await Promise.all([cli(["frobnicate"]), cli(["list", "--bogus"])]);
    expectOneLineError(command, /unknown command "frobnicate"/, 2);
    expectOneLineError(option, /Unknown option '--bogus'/, 2);
  }, 60_000);
});
