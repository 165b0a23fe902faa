import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { makeTinyGguf } from "../models/helpers/makeGguf";
import { startRangeServer } from "../models/helpers/rangeServer";

// The Models page's API against a real local HTTP server standing in for Hugging Face: the
// catalogue is replaced (CAIRN_MODEL_CATALOGUE) by tiny GGUF files the server holds.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-models-api-"));
const llm = makeTinyGguf({ architecture: "llama", tensorValues: 400_000 }); // ~1.6 MB
const embed = makeTinyGguf({ architecture: "bert", embeddingLength: 32, tensorValues: 100_000 });
const bad = Buffer.from(llm);
bad[bad.length - 10] ^= 0xff; // same size, one byte off: only the sha256 can tell
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const server = await startRangeServer({ "/t/resolve/r/tiny-llm.gguf": llm, "/t/resolve/r/tiny-embed.gguf": embed, "/t/resolve/r/tiny-bad.gguf": bad });

const entry = (name: string, role: "llm" | "embedder", bytes: Buffer, published: Buffer, isDefault: boolean) => ({
  name,
  role,
  description: `${name} for tests`,
  source: `hf:t/resolve/r/${name}.gguf`,
  fileName: `${name}.gguf`,
  sizeBytes: bytes.length,
  sha256: sha(published),
  license: "MIT",
  contextSize: 2048,
  ...(role === "embedder" ? { embeddingDimensions: 32 } : {}),
  isDefault,
});
const catalogueFile = path.join(tmp, "catalogue.json");
fs.writeFileSync(
  catalogueFile,
  JSON.stringify({ models: [entry("tiny-llm", "llm", llm, llm, true), entry("tiny-embed", "embedder", embed, embed, true), entry("tiny-bad", "llm", bad, llm, false)] }),
);
const dataDir = path.join(tmp, "data");
Object.assign(process.env, {
  CAIRN_DATA_DIR: dataDir,
  CAIRN_TEST_MODELS_DIR: path.join(tmp, "no-test-models"),
  CAIRN_HF_BASE_URL: server.url,
  CAIRN_MODEL_CATALOGUE: catalogueFile,
  CAIRN_MAX_MODEL_UPLOAD_MB: "2",
});
delete process.env.CAIRN_LLM_MODEL;
delete process.env.CAIRN_EMBED_MODEL;

const modelsRoute = await import("@/app/api/models/route");
const downloadsRoute = await import("@/app/api/models/downloads/route");
const downloadRoute = await import("@/app/api/models/downloads/[name]/route");
const modelRoute = await import("@/app/api/models/[name]/route");
const importRoute = await import("@/app/api/models/import/route");
const selectionRoute = await import("@/app/api/models/selection/route");
const { waitForDownload } = await import("@/lib/modelManager");

const modelsDir = path.join(dataDir, "models");
const params = (name: string) => ({ params: Promise.resolve({ name }) });
const post = (body: unknown) => downloadsRoute.POST(new Request("http://x/api/models/downloads", { method: "POST", body: JSON.stringify(body) }));
const overview = async () => (await modelsRoute.GET()).json();
interface Job {
  name: string;
  status: string;
  downloadedBytes: number;
  error: { reason: string; message: string; hint: string } | null;
}
const jobOf = async (name: string) => ((await overview()).downloads as Job[]).find((d) => d.name === name)!;
async function until(check: () => Promise<boolean>, ms = 10_000) {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (await check()) return;
  throw new Error("condition not met in time");
}

afterAll(async () => {
  await server.close().catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  Object.assign(server.behaviour, { supportsRange: true, failWithStatus: null, cutNextAfterBytes: null, sliceDelayMs: 0 });
});

describe("downloads from the Models page", () => {
  test("a fresh data dir offers the defaults; one request downloads both, verified, and they become active", async () => {
    const before = await overview();
    expect(before.active.llm.ok).toBe(false);
    expect(before.active.embedder.ok).toBe(false);
    expect(before.defaults).toEqual({ names: ["tiny-embed", "tiny-llm"], totalBytes: llm.length + embed.length, missingBytes: llm.length + embed.length });

    server.behaviour.sliceDelayMs = 20;
    const res = await post({ defaults: true });
    expect(res.status).toBe(202);
    const started = (await res.json()).downloads as { name: string; status: string }[];
    expect(started.map((d) => [d.name, d.status]).sort()).toEqual([
      ["tiny-embed", "downloading"],
      ["tiny-llm", "downloading"],
    ]);
    // Progress is visible while it runs, then both finish.
    await until(async () => {
      const j = await jobOf("tiny-llm");
      return j.status === "downloading" && j.downloadedBytes > 0 && j.downloadedBytes < llm.length;
    });
    await Promise.all([waitForDownload("tiny-llm"), waitForDownload("tiny-embed")]);
    const after = await overview();
    expect(after.downloads.map((d: { status: string }) => d.status)).toEqual(["done", "done"]);
    expect(after.active.llm).toMatchObject({ ok: true, name: "tiny-llm" });
    expect(after.active.embedder).toMatchObject({ ok: true, name: "tiny-embed" });
    expect(fs.readFileSync(path.join(modelsDir, "tiny-llm.gguf")).equals(llm)).toBe(true);
    expect(after.defaults.missingBytes).toBe(0);
    // Asking again with everything installed starts nothing.
    expect((await (await post({ defaults: true })).json()).downloads).toEqual([]);
  });

  test("cancel keeps the partial file; Download resumes it with a Range request; Remove deletes the model", async () => {
    expect((await modelRoute.DELETE(new Request("http://x"), params("tiny-llm"))).status).toBe(204);
    expect(fs.existsSync(path.join(modelsDir, "tiny-llm.gguf"))).toBe(false);
    expect((await overview()).active.llm.ok).toBe(false);

    server.behaviour.sliceDelayMs = 20;
    await post({ name: "tiny-llm" });
    await until(async () => (await jobOf("tiny-llm")).downloadedBytes > 200_000);
    const cancelled = await (await downloadRoute.DELETE(new Request("http://x"), params("tiny-llm"))).json();
    expect(cancelled.download.status).toBe("cancelled");
    expect(cancelled.download.error.reason).toBe("aborted");
    expect(cancelled.download.error.hint).toMatch(/Resume/);
    const kept = fs.statSync(path.join(modelsDir, "tiny-llm.gguf.part")).size;
    expect(kept).toBeGreaterThan(0);
    expect((await overview()).models.find((m: { name: string }) => m.name === "tiny-llm").partialBytes).toBe(kept);

    server.behaviour.sliceDelayMs = 0;
    server.requests.length = 0;
    await post({ name: "tiny-llm" });
    const done = await waitForDownload("tiny-llm");
    expect(done).toMatchObject({ status: "done", resumedFromBytes: kept, downloadedBytes: llm.length });
    expect(server.requests.at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    expect(fs.readFileSync(path.join(modelsDir, "tiny-llm.gguf")).equals(llm)).toBe(true);
  });

  test("a connection cut mid-download fails with 'interrupted' and resumes", async () => {
    await modelRoute.DELETE(new Request("http://x"), params("tiny-llm"));
    server.behaviour.cutNextAfterBytes = 500_000;
    await post({ name: "tiny-llm" });
    const failed = await waitForDownload("tiny-llm");
    expect(failed?.status).toBe("failed");
    expect(failed?.error?.reason).toBe("interrupted");
    expect(failed?.error?.message).not.toMatch(/command/);
    expect(failed?.error?.hint).toMatch(/Resume.*kept/);
    const kept = fs.statSync(path.join(modelsDir, "tiny-llm.gguf.part")).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(500_000);
    await post({ name: "tiny-llm" });
    expect(await waitForDownload("tiny-llm")).toMatchObject({ status: "done", resumedFromBytes: kept });
  });

  test("a corrupted file is rejected with a checksum message and nothing is installed", async () => {
    await post({ name: "tiny-bad" });
    const failed = await waitForDownload("tiny-bad");
    expect(failed?.status).toBe("failed");
    expect(failed?.error?.reason).toBe("checksum_mismatch");
    expect(failed?.error?.message).toMatch(/^Checksum mismatch for tiny-bad\.gguf: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}\. The corrupt file was deleted\.$/);
    expect(failed?.error?.hint).toMatch(/deleted.*Download/);
    expect(fs.existsSync(path.join(modelsDir, "tiny-bad.gguf"))).toBe(false);
    expect(fs.existsSync(path.join(modelsDir, "tiny-bad.gguf.part"))).toBe(false);
  });

  test("a full disk fails as 'disk_full' with where to free space, and loses nothing", async () => {
    // /dev/full answers every write with ENOSPC: the part file pointing at it is a disk that is full.
    const part = path.join(modelsDir, "tiny-bad.gguf.part");
    fs.symlinkSync("/dev/full", part);
    try {
      await post({ name: "tiny-bad" });
      const failed = await waitForDownload("tiny-bad");
      expect(failed?.status).toBe("failed");
      expect(failed?.error?.reason).toBe("disk_full");
      expect(failed?.error?.message).toMatch(/^Disk full while writing /);
      expect(failed?.error?.hint).toContain(`Free disk space where models are stored (${modelsDir}`);
      expect(fs.existsSync(path.join(modelsDir, "tiny-bad.gguf"))).toBe(false);
    } finally {
      fs.rmSync(part, { force: true });
    }
  });

  test("bad requests get specific errors", async () => {
    const unknown = await post({ name: "no-such-model" });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toMatch(/No model named "no-such-model"/);
    const testModel = await post({ name: "all-minilm-l6-v2" });
    expect(testModel.status).toBe(400);
    expect((await testModel.json()).error.reason).toBe("not_pullable");
    expect((await post({ name: "../../etc/passwd" })).status).toBe(400);
    expect((await post({ defaults: false })).status).toBe(400);
    expect((await post({ name: "tiny-llm", extra: 1 })).status).toBe(400);
    const notJson = await downloadsRoute.POST(new Request("http://x", { method: "POST", body: "{" }));
    expect(notJson.status).toBe(400);
    expect((await downloadRoute.DELETE(new Request("http://x"), params("tiny-embed"))).status).toBe(404);
    expect((await modelRoute.DELETE(new Request("http://x"), params("nothing-here"))).status).toBe(404);
  });
});

describe("import a .gguf through the browser", () => {
  const upload = (name: string, bytes: Buffer, query = "") => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)]), name);
    return importRoute.POST(new Request(`http://x/api/models/import${query}`, { method: "POST", body: form }));
  };
  const tempLeft = () => (fs.existsSync(path.join(dataDir, "tmp")) ? fs.readdirSync(path.join(dataDir, "tmp")) : []);

  test("a valid GGUF is imported with its role read from the file", async () => {
    const res = await upload("My Embedder.gguf", makeTinyGguf({ architecture: "bert", embeddingLength: 48, tensorValues: 16 }));
    expect(res.status).toBe(201);
    const { model } = await res.json();
    expect(model).toMatchObject({ name: "my-embedder", role: "embedder", architecture: "bert", catalogueMatch: false });
    expect(model.path).toBeUndefined();
    expect(fs.existsSync(path.join(modelsDir, "my-embedder.gguf"))).toBe(true);
    const listed = (await overview()).models.find((m: { name: string }) => m.name === "my-embedder");
    expect(listed).toMatchObject({ kind: "imported", installed: true });
    expect(listed.description).toContain("upload: My Embedder.gguf");
    // Imported models can be removed from the page too.
    expect((await modelRoute.DELETE(new Request("http://x"), params("my-embedder"))).status).toBe(204);
    expect((await overview()).models.some((m: { name: string }) => m.name === "my-embedder")).toBe(false);
    expect(tempLeft()).toEqual([]);
  });

  test("invalid files are refused with the uploaded file's name and leave nothing behind", async () => {
    const notGguf = await upload("notes.gguf", Buffer.from("just some text, not a model"));
    expect(notGguf.status).toBe(400);
    const e1 = (await notGguf.json()).error;
    expect(e1.reason).toBe("not_gguf");
    expect(e1.message).toBe('"notes.gguf" is not a GGUF model file (its first bytes are not "GGUF").');

    const full = makeTinyGguf({ tensorValues: 4096 });
    const truncated = await upload("cut.gguf", full.subarray(0, full.length - 1000));
    expect(truncated.status).toBe(400);
    const e2 = (await truncated.json()).error;
    expect(e2.reason).toBe("truncated_gguf");
    expect(e2.message).toMatch(/^"cut\.gguf" is a truncated GGUF file/);
    expect(e2.message).not.toContain(dataDir);

    const wrongExt = await upload("model.bin", makeTinyGguf());
    expect(wrongExt.status).toBe(400);
    expect((await wrongExt.json()).error.message).toMatch(/not a \.gguf file/);

    const tooBig = await upload("huge.gguf", Buffer.concat([makeTinyGguf(), Buffer.alloc(3 * 1024 * 1024)]));
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.message).toMatch(/2 MB limit \(CAIRN_MAX_MODEL_UPLOAD_MB\)/);

    const clash = await upload("tiny-llm.gguf", makeTinyGguf({ name: "another" }));
    expect(clash.status).toBe(409);

    expect((await importRoute.POST(new Request("http://x/api/models/import?role=robot", { method: "POST", body: new FormData() }))).status).toBe(400);
    expect(tempLeft()).toEqual([]);
    expect(fs.readdirSync(modelsDir).filter((f) => /notes|cut|huge|model\.bin/.test(f))).toEqual([]);
  });
});

describe("choosing the model a role uses", () => {
  const select = (body: unknown) => selectionRoute.POST(new Request("http://x/api/models/selection", { method: "POST", body: JSON.stringify(body) }));
  test("an installed LLM becomes the one in use; removing it falls back to the default", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(makeTinyGguf({ architecture: "qwen2", tensorValues: 16 }))]), "other-llm.gguf");
    expect((await importRoute.POST(new Request("http://x/api/models/import", { method: "POST", body: form }))).status).toBe(201);
    expect((await overview()).active.llm).toMatchObject({ ok: true, name: "tiny-llm" }); // the catalogue default first

    const res = await select({ role: "llm", name: "other-llm" });
    expect(res.status).toBe(200);
    expect((await res.json()).active.llm).toMatchObject({ ok: true, name: "other-llm", source: "selected" });
    expect(JSON.parse(fs.readFileSync(path.join(modelsDir, "selection.json"), "utf8"))).toEqual({ llm: "other-llm" });

    expect((await select({ role: "embedder", name: "other-llm" })).status).toBe(400); // wrong role
    expect((await select({ role: "llm", name: "tiny-bad" })).status).toBe(409); // not installed
    expect((await select({ role: "llm", name: "nope" })).status).toBe(404);
    expect((await select({ role: "robot", name: "tiny-llm" })).status).toBe(400);
    // The embedder in use already: choosing it is a no-op, and starts no re-embed.
    const embedder = await select({ role: "embedder", name: "tiny-embed" });
    expect(embedder.status).toBe(200);
    expect((await embedder.json()).vectors).toBeNull(); // no store opened yet: nothing to re-embed

    expect((await modelRoute.DELETE(new Request("http://x"), params("other-llm"))).status).toBe(204);
    expect((await overview()).active.llm).toMatchObject({ ok: true, name: "tiny-llm", source: "catalogue" });
  });
});

describe("no network", () => {
  test("an unreachable server fails as 'network' and points at the import", async () => {
    await modelRoute.DELETE(new Request("http://x"), params("tiny-embed"));
    await server.close();
    await post({ name: "tiny-embed" });
    const failed = await waitForDownload("tiny-embed");
    expect(failed?.error?.reason).toBe("network");
    expect(failed?.error?.message).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+/);
    expect(failed?.error?.hint).toMatch(/import a \.gguf file/);
  });
});
