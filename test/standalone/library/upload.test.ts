import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

// config() reads the environment once: point it at a temp data dir before importing lib/.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-upload-"));
process.env.CAIRN_DATA_DIR = dataDir;
process.env.CAIRN_MAX_UPLOAD_MB = "1";

const { receiveUpload } = await import("@/lib/upload");
const { addUploadedFile, listLibrary } = await import("@/lib/library");
const { currentPrincipal } = await import("@/lib/auth");
const { sanitizeFileName } = await import("@/core/fileName");
const { openDb } = await import("@/core/db");
const { listJobs } = await import("@/core/db/queries");
const { config } = await import("@/core/config");

const boundary = "----cairnTestBoundary";

function multipart(files: { name: string; body: Uint8Array | string }[]): Request {
  const parts: (string | Uint8Array)[] = [];
  for (const f of files) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    parts.push(f.body);
    parts.push("\r\n");
  }
  parts.push(`--${boundary}--\r\n`);
  return new Request("http://127.0.0.1/api/documents", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p)))),
  });
}

function tmpFiles(): string[] {
  const dir = path.join(dataDir, "tmp");
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

beforeAll(() => openDb(config().dbPath));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("receiveUpload", () => {
  test("streams a file to disk with its sha256 and size", async () => {
    const files = await receiveUpload(multipart([{ name: "notes.txt", body: "hello pump P-101" }]), { maxBytes: config().maxUploadBytes });
    expect(files).toHaveLength(1);
    expect(files[0].name).toBe("notes.txt");
    expect(files[0].size).toBe(16);
    expect(files[0].sha256).toBe(createHash("sha256").update("hello pump P-101").digest("hex"));
    expect(fs.readFileSync(files[0].tempPath, "utf8")).toBe("hello pump P-101");
  });

  test("a 1 GB upload over the limit is refused while streaming, never buffered, and leaves no temp file", async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(65);
    let sent = 0;
    const total = 1024 * 1024 * 1024;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.pdf"\r\n\r\n`);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(head);
      },
      pull(c) {
        if (sent >= total) return c.close();
        sent += chunk.length;
        c.enqueue(chunk);
      },
    });
    const tmpBefore = tmpFiles();
    const rssBefore = process.memoryUsage().rss;
    const request = new Request("http://127.0.0.1/api/documents", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    } as RequestInit);
    await expect(receiveUpload(request, { maxBytes: 1024 * 1024 })).rejects.toMatchObject({ status: 413, reason: "too_large" });
    // It stopped reading soon after the limit instead of draining the gigabyte.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 50));
    expect(tmpFiles()).toEqual(tmpBefore);
  });

  test("a declared Content-Length far over the limit is refused before reading", async () => {
    const req = new Request("http://127.0.0.1/api/documents", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(5 * 1024 * 1024 * 1024) },
      body: "x",
    });
    await expect(receiveUpload(req, { maxBytes: 1024 * 1024 })).rejects.toMatchObject({ status: 413 });
  });

  test("non-multipart, malformed and file-less bodies are clear 400s", async () => {
    const json = new Request("http://127.0.0.1/x", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await expect(receiveUpload(json, { maxBytes: 1024 })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/multipart/) });
    const noBoundary = new Request("http://127.0.0.1/x", { method: "POST", headers: { "content-type": "multipart/form-data" }, body: "abc" });
    await expect(receiveUpload(noBoundary, { maxBytes: 1024 })).rejects.toMatchObject({ status: 400 });
    const empty = new Request("http://127.0.0.1/x", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}--\r\n`,
    });
    await expect(receiveUpload(empty, { maxBytes: 1024 })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/no file/) });
  });
});

describe("hostile file names", () => {
  test.each([
    ["../../etc/passwd", "passwd"],
    ["..\\..\\windows\\system32\\evil.docx", "evil.docx"],
    ["a\u0000b.pdf", "ab.pdf"],
    ["...", "untitled"],
    ["", "untitled"],
    ["report\u202Efdp.exe", "reportfdp.exe"],
  ])("%j becomes %j", (raw, expected) => {
    expect(sanitizeFileName(raw)).toBe(expected);
  });

  test("400-character names are cut to 200 keeping the extension", () => {
    const name = sanitizeFileName("a".repeat(400) + ".pdf");
    expect(name.length).toBe(200);
    expect(name.endsWith(".pdf")).toBe(true);
  });

  test("an upload named ../ lands in the content store under its sha256, not at that path", async () => {
    const [file] = await receiveUpload(multipart([{ name: "../../escape.txt", body: "not escaping" }]), { maxBytes: 1024 });
    const { document } = addUploadedFile(currentPrincipal(), "default", file);
    expect(document.name).toBe("escape.txt");
    expect(fs.existsSync(path.join(dataDir, "files", file.sha256))).toBe(true);
    expect(fs.existsSync(path.resolve(dataDir, "..", "escape.txt"))).toBe(false);
  });
});

describe("library", () => {
  test("re-uploading the same bytes is a no-op; an empty file is a clear error", async () => {
    const [a] = await receiveUpload(multipart([{ name: "a.txt", body: "same bytes" }]), { maxBytes: 1024 });
    const first = addUploadedFile(currentPrincipal(), "default", a);
    expect(first.duplicate).toBe(false);
    const [b] = await receiveUpload(multipart([{ name: "b.txt", body: "same bytes" }]), { maxBytes: 1024 });
    const second = addUploadedFile(currentPrincipal(), "default", b);
    expect(second.duplicate).toBe(true);
    expect(second.document.id).toBe(first.document.id);
    expect(listJobs(openDb(config().dbPath), first.document.id)).toHaveLength(1);
    expect(listLibrary(currentPrincipal()).filter((d) => d.sha256 === a.sha256)).toHaveLength(1);

    const [empty] = await receiveUpload(multipart([{ name: "empty.pdf", body: "" }]), { maxBytes: 1024 });
    expect(() => addUploadedFile(currentPrincipal(), "default", empty)).toThrow(/empty/);
    expect(fs.existsSync(empty.tempPath)).toBe(false);
  });

  test("uploading into a collection the user is not a member of is refused", async () => {
    const [f] = await receiveUpload(multipart([{ name: "x.txt", body: "x" }]), { maxBytes: 1024 });
    expect(() => addUploadedFile(currentPrincipal(), "someone-elses", f)).toThrow(/does not exist or you cannot see it/);
  });
});
