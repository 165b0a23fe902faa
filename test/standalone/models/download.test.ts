import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { CairnError } from "@/core/errors";
import type { CatalogueEntry } from "@/models/catalogue";
import { downloadFile, pullModel, type DownloadProgress } from "@/models/download";
import { startRangeServer, type RangeServer } from "./helpers/rangeServer";
import { testConfig } from "./helpers/testConfig";

const SIZE = 3 * 1024 * 1024 + 12_345; // a few MB, deliberately not a multiple of any chunk size
const file = randomBytes(SIZE);
const sha = createHash("sha256").update(file).digest("hex");
const corrupted = Buffer.from(file);
corrupted[SIZE >> 1] ^= 0xff;

let server: RangeServer;
let dir: string;
let dest: string;

beforeAll(async () => {
  server = await startRangeServer({ "/m/resolve/main/model.gguf": file, "/m/resolve/main/corrupt.gguf": corrupted });
});
afterAll(() => server.close());
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cairn-dl-"));
  dest = path.join(dir, "model.gguf");
  Object.assign(server.behaviour, { supportsRange: true, failWithStatus: null, cutNextAfterBytes: null, sliceDelayMs: 0 });
  server.requests.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const urlOf = (p = "/m/resolve/main/model.gguf") => `${server.url}${p}`;
const exists = (p: string) => stat(p).then(() => true, () => false);

async function rejection(promise: Promise<unknown>): Promise<CairnError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CairnError);
  return error as CairnError;
}

describe("downloadFile", () => {
  it("downloads the whole file, reports monotonic progress and verifies the sha256", async () => {
    const events: DownloadProgress[] = [];
    const result = await downloadFile({ url: urlOf(), destPath: dest, expectedSha256: sha, expectedSize: SIZE, onProgress: (p) => events.push(p), progressIntervalMs: 0 });

    expect(result).toMatchObject({ path: dest, sha256: sha, sizeBytes: SIZE, resumedFromBytes: 0, verified: true });
    expect((await readFile(dest)).equals(file)).toBe(true);
    expect(await exists(`${dest}.part`)).toBe(false);
    expect(events.length).toBeGreaterThan(2);
    for (let i = 1; i < events.length; i++) expect(events[i].downloadedBytes).toBeGreaterThanOrEqual(events[i - 1].downloadedBytes);
    expect(events.at(-1)).toMatchObject({ downloadedBytes: SIZE, totalBytes: SIZE, resumedFromBytes: 0 });
    expect(events.every((e) => e.bytesPerSecond >= 0 && Number.isFinite(e.bytesPerSecond))).toBe(true);
  });

  it("follows a redirect, as Hugging Face does to its CDN", async () => {
    const result = await downloadFile({ url: urlOf("/redirect/m/resolve/main/model.gguf"), destPath: dest, expectedSha256: sha });
    expect(result.sha256).toBe(sha);
    expect(server.requests.map((r) => r.status)).toEqual([302, 200]);
  });

  it("keeps the part of an interrupted transfer and resumes it with a Range request", async () => {
    const cut = 1_234_567;
    server.behaviour.cutNextAfterBytes = cut;
    const error = await rejection(downloadFile({ url: urlOf(), destPath: dest, expectedSha256: sha, expectedSize: SIZE }));
    expect(error.reason).toBe("interrupted");
    expect(error.message).toMatch(/resumes/);
    expect(await exists(dest)).toBe(false);
    const kept = (await stat(`${dest}.part`)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(cut);

    const events: DownloadProgress[] = [];
    const result = await downloadFile({ url: urlOf(), destPath: dest, expectedSha256: sha, expectedSize: SIZE, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    expect(server.requests.at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    expect(result).toMatchObject({ sha256: sha, sizeBytes: SIZE, resumedFromBytes: kept, verified: true });
    expect(events[0]).toMatchObject({ downloadedBytes: kept, resumedFromBytes: kept, totalBytes: SIZE });
    expect((await readFile(dest)).equals(file)).toBe(true);
    expect(await exists(`${dest}.part`)).toBe(false);
  });

  it("starts over cleanly when the server ignores Range", async () => {
    server.behaviour.supportsRange = false;
    await writeFile(`${dest}.part`, randomBytes(500_000)); // garbage that must not survive
    const result = await downloadFile({ url: urlOf(), destPath: dest, expectedSha256: sha, expectedSize: SIZE });
    expect(server.requests.at(-1)).toMatchObject({ range: "bytes=500000-", status: 200 });
    expect(result).toMatchObject({ sha256: sha, sizeBytes: SIZE, resumedFromBytes: 0 });
    expect((await readFile(dest)).equals(file)).toBe(true);
  });

  it("finishes a part that is already complete (server answers 416)", async () => {
    await writeFile(`${dest}.part`, file);
    const result = await downloadFile({ url: urlOf(), destPath: dest, expectedSha256: sha });
    expect(server.requests.map((r) => r.status)).toEqual([416]);
    expect(result).toMatchObject({ sha256: sha, sizeBytes: SIZE, resumedFromBytes: SIZE });
  });

  it("rejects a corrupted file, says expected and actual sha256, and leaves no file behind", async () => {
    const badSha = createHash("sha256").update(corrupted).digest("hex");
    const error = await rejection(downloadFile({ url: urlOf("/m/resolve/main/corrupt.gguf"), destPath: dest, expectedSha256: sha, expectedSize: SIZE }));
    expect(error.reason).toBe("checksum_mismatch");
    expect(error.message).toContain(`expected sha256 ${sha}`);
    expect(error.message).toContain(`got ${badSha}`);
    expect(await exists(dest)).toBe(false);
    expect(await exists(`${dest}.part`)).toBe(false);
  });

  it("refuses a file whose size differs from the expected one before downloading it", async () => {
    const error = await rejection(downloadFile({ url: urlOf(), destPath: dest, expectedSha256: sha, expectedSize: SIZE + 1 }));
    expect(error.reason).toBe("size_mismatch");
    expect(error.message).toContain(String(SIZE + 1));
    expect(await exists(dest)).toBe(false);
  });

  it("reports 404 as not found, with the status", async () => {
    const error = await rejection(downloadFile({ url: urlOf("/m/resolve/main/missing.gguf"), destPath: dest }));
    expect(error.code).toBe("not_found:download");
    expect(error.reason).toBe("http_404");
    expect(error.message).toContain("HTTP 404");
    expect(await exists(`${dest}.part`)).toBe(false);
  });

  it("reports 5xx as the server's problem, with the status", async () => {
    server.behaviour.failWithStatus = 503;
    const error = await rejection(downloadFile({ url: urlOf(), destPath: dest }));
    expect(error.code).toBe("unavailable:download");
    expect(error.reason).toBe("http_503");
    expect(error.message).toContain("HTTP 503");
  });

  it("reports a refused connection clearly", async () => {
    const closed = await startRangeServer({});
    const url = `${closed.url}/x.gguf`;
    await closed.close();
    const error = await rejection(downloadFile({ url, destPath: dest }));
    expect(error.reason).toBe("network");
    expect(error.message).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
  });

  it("stops on abort, keeps the part for a later resume", async () => {
    server.behaviour.sliceDelayMs = 10;
    const controller = new AbortController();
    const error = await rejection(
      downloadFile({
        url: urlOf(),
        destPath: dest,
        expectedSha256: sha,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.downloadedBytes >= 300_000) controller.abort();
        },
      }),
    );
    expect(error.reason).toBe("aborted");
    expect(await exists(dest)).toBe(false);
    const kept = (await stat(`${dest}.part`)).size;
    expect(kept).toBeGreaterThanOrEqual(300_000);
    expect(kept).toBeLessThan(SIZE);

    server.behaviour.sliceDelayMs = 0;
    const result = await downloadFile({ url: urlOf(), destPath: dest, expectedSha256: sha });
    expect(result).toMatchObject({ sha256: sha, resumedFromBytes: kept });
  });

  it("reports a full disk (writing to /dev/full)", async () => {
    await symlink("/dev/full", `${dest}.part`);
    const error = await rejection(downloadFile({ url: urlOf(), destPath: dest, expectedSha256: sha }));
    expect(error.reason).toBe("disk_full");
    expect(error.message).toMatch(/Disk full/);
    expect(await exists(dest)).toBe(false);
  });
});

describe("pullModel", () => {
  const entry = (over: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
    name: "tiny-test",
    role: "llm",
    description: "test",
    source: "hf:m/resolve/main/model.gguf",
    fileName: "tiny-test.gguf",
    sizeBytes: SIZE,
    sha256: sha,
    license: "MIT",
    contextSize: 512,
    ...over,
  });
  const cfgFor = () => testConfig({ CAIRN_DATA_DIR: dir, CAIRN_HF_BASE_URL: `${server.url}/` });

  it("installs a catalogue model into the models dir, then finds it already installed", async () => {
    const cfg = cfgFor();
    const events: DownloadProgress[] = [];
    const first = await pullModel(entry(), { cfg, onProgress: (p) => events.push(p) });
    expect(first).toMatchObject({ name: "tiny-test", path: path.join(cfg.modelsDir, "tiny-test.gguf"), sha256: sha, verified: true, alreadyInstalled: false });
    expect(events.at(-1)?.downloadedBytes).toBe(SIZE);
    expect(server.requests.map((r) => r.path)).toEqual(["/m/resolve/main/model.gguf"]);

    const second = await pullModel(entry(), { cfg });
    expect(second).toMatchObject({ alreadyInstalled: true, sha256: sha });
    expect(server.requests).toHaveLength(1);
    expect(await exists(`${first.path}.lock`)).toBe(false);
  });

  it("replaces a damaged installed copy with a verified download", async () => {
    const cfg = cfgFor();
    await pullModel(entry(), { cfg });
    const installed = path.join(cfg.modelsDir, "tiny-test.gguf");
    await writeFile(installed, corrupted);
    const again = await pullModel(entry(), { cfg });
    expect(again.alreadyInstalled).toBe(false);
    expect((await readFile(installed)).equals(file)).toBe(true);
  });

  it("refuses an entry without sha256 unless unverified installs are allowed", async () => {
    const cfg = cfgFor();
    const error = await rejection(pullModel(entry({ sha256: null }), { cfg }));
    expect(error.reason).toBe("unverified");
    expect(error.message).toContain("--allow-unverified");
    expect(server.requests).toHaveLength(0);
    const result = await pullModel(entry({ sha256: null }), { cfg, allowUnverified: true });
    expect(result).toMatchObject({ verified: false, sha256: sha });
  });

  it("refuses test models and unknown names", async () => {
    const cfg = cfgFor();
    expect((await rejection(pullModel("qwen2.5-coder-0.5b-instruct-q4_k_m", { cfg }))).message).toContain("npm run test-models");
    const unknown = await rejection(pullModel("no-such-model", { cfg }));
    expect(unknown.code).toBe("not_found:model");
    expect(unknown.message).toContain("qwen2.5-1.5b-instruct-q4_k_m");
  });

  it("refuses to run while another live process holds the download lock, and takes over a stale one", async () => {
    const cfg = cfgFor();
    const lock = path.join(cfg.modelsDir, "tiny-test.gguf.lock");
    await pullModel(entry({ sizeBytes: null, sha256: null }), { cfg, allowUnverified: true }).then(() => rm(path.join(cfg.modelsDir, "tiny-test.gguf")));
    await writeFile(lock, String(process.pid));
    const busy = await rejection(pullModel(entry(), { cfg }));
    expect(busy.code).toBe("conflict:download");
    expect(busy.message).toContain(String(process.pid));

    const dead = spawnSync(process.execPath, ["-e", ""]).pid; // exited: its pid is free
    await writeFile(lock, String(dead));
    const result = await pullModel(entry(), { cfg });
    expect(result.sha256).toBe(sha);
    expect(await exists(lock)).toBe(false);
  });
});
