import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CairnConfig } from "@/core/config";
import { CairnError } from "@/core/errors";
import { importModel, roleForArchitecture } from "@/models/importModel";
import { readManifest } from "@/models/utils/manifest";
import { makeTinyGguf } from "./helpers/makeGguf";
import { testConfig } from "./helpers/testConfig";

let dir: string;
let cfg: CairnConfig;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cairn-import-"));
  cfg = testConfig({ CAIRN_DATA_DIR: path.join(dir, "data") });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function put(name: string, bytes: Buffer | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

async function reason(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(CairnError);
  return (error as CairnError).reason;
}

const leftovers = async () => (await readdir(cfg.modelsDir).catch(() => [])).filter((f) => f.endsWith(".part"));

describe("importModel", () => {
  it("copies a valid GGUF into the models dir, guesses the role, and records it", async () => {
    const bytes = makeTinyGguf({ architecture: "llama", contextLength: 4096 });
    const source = await put("My Model Q4.gguf", bytes);
    const result = await importModel(source, { cfg });

    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(result).toMatchObject({ name: "my-model-q4", role: "llm", sha256: sha, sizeBytes: bytes.length, architecture: "llama", catalogueMatch: false });
    expect(result.path).toBe(path.join(cfg.modelsDir, "my-model-q4.gguf"));
    expect((await readFile(result.path)).equals(bytes)).toBe(true);
    expect((await readFile(source)).equals(bytes)).toBe(true); // copied, not moved
    const manifest = await readManifest(cfg.modelsDir);
    expect(manifest.models).toEqual([
      expect.objectContaining({ name: "my-model-q4", role: "llm", sha256: sha, sizeBytes: bytes.length, importedFrom: source, contextLength: 4096 }),
    ]);
    expect(await leftovers()).toEqual([]);
  });

  it("treats BERT-family architectures as embedders, and honours --name and --role", async () => {
    expect(["bert", "nomic-bert", "jina-bert-v2", "t5encoder"].map(roleForArchitecture)).toEqual(["embedder", "embedder", "embedder", "embedder"]);
    expect(["llama", "qwen2", "gemma3"].map(roleForArchitecture)).toEqual(["llm", "llm", "llm"]);
    const bert = await importModel(await put("e.gguf", makeTinyGguf({ architecture: "bert", embeddingLength: 384 })), { cfg, name: "my-embedder" });
    expect(bert).toMatchObject({ name: "my-embedder", role: "embedder" });
    const forced = await importModel(await put("x.gguf", makeTinyGguf({ architecture: "llama" })), { cfg, role: "embedder" });
    expect(forced.role).toBe("embedder");
    expect((await readManifest(cfg.modelsDir)).models.map((m) => [m.name, m.role])).toEqual([
      ["my-embedder", "embedder"],
      ["x", "embedder"],
    ]);
  });

  it("re-importing the same file is harmless; a different file under a taken name is refused", async () => {
    const a = await put("a.gguf", makeTinyGguf({ name: "a" }));
    expect((await importModel(a, { cfg, name: "m" })).alreadyImported).toBe(false);
    expect((await importModel(a, { cfg, name: "m" })).alreadyImported).toBe(true);
    const b = await put("b.gguf", makeTinyGguf({ name: "b" }));
    expect(await reason(importModel(b, { cfg, name: "m" }))).toBe("name_taken");
    expect(await reason(importModel(b, { cfg, name: "bge-small-en-v1.5" }))).toBe("name_taken");
    expect(await reason(importModel(b, { cfg, name: "Bad Name!" }))).toBe("bad_name");
    expect((await readManifest(cfg.modelsDir)).models).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  });

  it("rejects files that are not complete GGUF models with a specific reason", async () => {
    const good = makeTinyGguf({ tensorValues: 64 });
    const hostile = Buffer.alloc(24);
    hostile.write("GGUF", 0, "ascii");
    hostile.writeUInt32LE(3, 4);
    hostile.writeBigUInt64LE(1n << 60n, 16); // claims 2^60 metadata keys
    const cases: [string, () => Promise<string>, string][] = [
      ["missing", async () => path.join(dir, "nope.gguf"), "missing_file"],
      ["directory", async () => dir, "is_directory"],
      ["empty", () => put("empty.gguf", Buffer.alloc(0)), "empty_file"],
      ["text", () => put("notes.gguf", "just some text, not a model\n"), "not_gguf"],
      ["3 bytes", () => put("short.gguf", "GGU"), "not_gguf"],
      ["cut header", () => put("cut-header.gguf", good.subarray(0, 60)), "truncated_gguf"],
      ["cut data", () => put("cut-data.gguf", good.subarray(0, good.length - 4)), "truncated_gguf"],
      ["hostile counts", () => put("hostile.gguf", hostile), "corrupt_gguf"],
    ];
    for (const [label, makeFile, expected] of cases) expect([label, await reason(importModel(await makeFile(), { cfg }))]).toEqual([label, expected]);
    expect((await readManifest(cfg.modelsDir)).models).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it("installs a file that is byte-for-byte a catalogue model under the catalogue name", async () => {
    const bytes = makeTinyGguf({ name: "catalogued" });
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const catalogue = [
      { name: "tiny-cat", role: "embedder" as const, description: "t", source: "hf:x/resolve/main/tiny-cat.gguf", fileName: "tiny-cat.gguf", sizeBytes: bytes.length, sha256, license: "MIT", contextSize: 512 },
    ];
    const result = await importModel(await put("downloaded-elsewhere.gguf", bytes), { cfg, name: "whatever", catalogue });
    expect(result).toMatchObject({ name: "tiny-cat", role: "embedder", catalogueMatch: true, path: path.join(cfg.modelsDir, "tiny-cat.gguf") });
    expect((await readFile(result.path)).equals(bytes)).toBe(true);
    expect((await readManifest(cfg.modelsDir)).models).toEqual([]);
  });
});
