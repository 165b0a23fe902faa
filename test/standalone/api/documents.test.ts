import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { makeTinyGguf } from "../models/helpers/makeGguf";

// POST /api/documents (a batch upload) and DELETE /api/documents/[id], through the route handlers,
// with real SQLite and a real LanceDB store in a temp data dir. The store takes its vector width
// from the embedder's GGUF header, so a tiny valid GGUF (8 dimensions) stands in the models dir:
// no model is ever loaded here.

// config() reads the environment once: point it at a temp data dir before importing lib/.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-documents-"));
const DIMS = 8;
const embedderFile = path.join(dataDir, "tiny-embedder.gguf");
fs.writeFileSync(embedderFile, makeTinyGguf({ architecture: "bert", name: "tiny embedder", embeddingLength: DIMS }));
process.env.CAIRN_DATA_DIR = dataDir;
process.env.CAIRN_EMBED_MODEL = embedderFile;

const { openDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { getDocument, listJobs } = await import("@/core/db/queries");
const { getVectorStore } = await import("@/lib/store");
const documentsRoute = await import("@/app/api/documents/route");
const documentRoute = await import("@/app/api/documents/[id]/route");

const boundary = "----cairnDocumentsTestBoundary";
const db = () => openDb(config().dbPath);

function multipart(files: { name: string; body: string }[], collection?: string): Request {
  const parts: string[] = [];
  for (const f of files) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n${f.body}\r\n`);
  }
  parts.push(`--${boundary}--\r\n`);
  const query = collection ? `?collection=${collection}` : "";
  return new Request(`http://127.0.0.1/api/documents${query}`, {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Buffer.from(parts.join("")),
  });
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const storedFile = (sha256: string) => path.join(dataDir, "files", sha256);
const tmpFiles = () => (fs.existsSync(path.join(dataDir, "tmp")) ? fs.readdirSync(path.join(dataDir, "tmp")) : []);
const params = (id: string) => ({ params: Promise.resolve({ id }) });

interface UploadResult {
  name: string;
  document?: { id: string; name: string; collectionId: string; sha256: string; status: string };
  duplicate?: boolean;
  error?: { code: string; message: string; reason?: string };
}

async function upload(files: { name: string; body: string }[], collection?: string): Promise<{ status: number; results: UploadResult[] }> {
  const res = await documentsRoute.POST(multipart(files, collection));
  return { status: res.status, results: ((await res.json()) as { results: UploadResult[] }).results };
}

/** Stores `count` chunks for a document, as the worker would after indexing it. */
async function storeChunks(documentId: string, collectionId: string, sha256: string, count: number) {
  const store = await getVectorStore();
  await store.replaceDocumentChunks(
    documentId,
    Array.from({ length: count }, (_, i) => {
      const text = `Chunk ${i} of ${documentId}: the isolation valve for pump P-101 is V-17.`;
      const vector = new Float32Array(DIMS).fill(0);
      vector[i % DIMS] = 1;
      return {
        id: `${documentId}-${i}`,
        documentId,
        collectionId,
        documentSha256: sha256,
        ordinal: i,
        page: i + 1,
        headingPath: "",
        charStart: 0,
        charEnd: text.length,
        tokenCount: 12,
        text,
        vector,
      };
    }),
  );
}

beforeAll(() => {
  // A second collection the local user may write to, to share one stored file between two documents.
  db().prepare("INSERT INTO collections (id, name) VALUES ('manuals', 'Manuals')").run();
  db().prepare("INSERT INTO collection_members (collection_id, user_id, role) VALUES ('manuals', 'local', 'editor')").run();
});

afterAll(async () => {
  (await getVectorStore()).close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("POST /api/documents with several files", () => {
  test("accepts the good file and gives the bad one its own specific error; nothing is lost", async () => {
    const good = "Pump P-101 isolation: close V-17 before opening the casing.";
    const { status, results } = await upload([
      { name: "pump-notes.txt", body: good },
      { name: "empty.txt", body: "" },
    ]);
    expect(status).toBe(202);
    expect(results).toHaveLength(2);
    const accepted = results.find((r) => r.name === "pump-notes.txt")!;
    const refused = results.find((r) => r.name === "empty.txt")!;
    expect(accepted.error).toBeUndefined();
    expect(accepted.duplicate).toBe(false);
    expect(accepted.document).toMatchObject({ name: "pump-notes.txt", collectionId: "default", sha256: sha(good), status: "queued" });
    expect(refused.document).toBeUndefined();
    expect(refused.error).toEqual({ code: "bad_request:upload", reason: "empty", message: expect.stringMatching(/"empty\.txt" is empty/) });

    // The good one is stored, listed and queued for the worker; the bad one left nothing behind.
    const id = accepted.document!.id;
    expect(fs.readFileSync(storedFile(sha(good)), "utf8")).toBe(good);
    expect(listJobs(db(), id).map((j) => j.status)).toEqual(["pending"]);
    const list = (await (await documentsRoute.GET()).json()) as { documents: { id: string; name: string }[] };
    expect(list.documents.map((d) => d.name)).toEqual(["pump-notes.txt"]);
    expect(fs.existsSync(storedFile(sha("")))).toBe(false);
    expect(tmpFiles()).toEqual([]);
  });

  test("a batch in which every file is bad is a 400 listing each file's error", async () => {
    const { status, results } = await upload([
      { name: "a.txt", body: "" },
      { name: "b.txt", body: "" },
    ]);
    expect(status).toBe(400);
    expect(results.map((r) => [r.name, r.error?.reason])).toEqual(
      expect.arrayContaining([
        ["a.txt", "empty"],
        ["b.txt", "empty"],
      ]),
    );
    expect(results).toHaveLength(2);
  });
});

describe("DELETE /api/documents/[id]", () => {
  test("removes the document, its chunks and, once no document uses it, its stored file", async () => {
    const bytes = "Boiler B-2 has a maximum operating pressure of 12 bar.";
    // The same bytes in two collections: two documents, one stored file.
    const [inDefault] = (await upload([{ name: "boiler.txt", body: bytes }])).results;
    const [inManuals] = (await upload([{ name: "boiler-copy.txt", body: bytes }], "manuals")).results;
    const a = inDefault!.document!;
    const b = inManuals!.document!;
    expect(b.id).not.toBe(a.id);
    await storeChunks(a.id, "default", a.sha256, 3);
    await storeChunks(b.id, "manuals", b.sha256, 2);
    const store = await getVectorStore();
    expect(await store.countChunks({ documentId: a.id })).toBe(3);

    const res = await documentRoute.DELETE(new Request(`http://127.0.0.1/api/documents/${a.id}`, { method: "DELETE" }), params(a.id));
    expect(res.status).toBe(204);
    expect(getDocument(db(), a.id)).toBeUndefined();
    expect(listJobs(db(), a.id)).toEqual([]);
    expect(await store.countChunks({ documentId: a.id })).toBe(0);
    expect((await store.hybridSearch({ query: "isolation valve", vector: new Float32Array(DIMS).fill(0.1), collections: ["default", "manuals"], limit: 10, mode: "hybrid" })).map((h) => h.documentId)).not.toContain(a.id);
    expect((await documentRoute.GET(new Request(`http://127.0.0.1/api/documents/${a.id}`), params(a.id))).status).toBe(404);
    // The other document still uses the file: it stays, and so do that document's chunks.
    expect(fs.existsSync(storedFile(a.sha256))).toBe(true);
    expect(await store.countChunks({ documentId: b.id })).toBe(2);
    expect(getDocument(db(), b.id)).toBeDefined();

    // Deleting the last document that uses the file removes the file too.
    expect((await documentRoute.DELETE(new Request(`http://127.0.0.1/api/documents/${b.id}`, { method: "DELETE" }), params(b.id))).status).toBe(204);
    expect(await store.countChunks({ documentId: b.id })).toBe(0);
    expect(fs.existsSync(storedFile(a.sha256))).toBe(false);
  });

  test("an unknown id is a 404 and a malformed id a 400; neither touches anything", async () => {
    const [kept] = (await upload([{ name: "kept.txt", body: "Report chemical spills on extension 5555." }])).results;
    const before = (await (await documentsRoute.GET()).json()) as { documents: { id: string }[] };

    const unknown = randomUUID();
    const res = await documentRoute.DELETE(new Request(`http://127.0.0.1/api/documents/${unknown}`, { method: "DELETE" }), params(unknown));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found:document", message: "Document not found." } });
    const malformed = await documentRoute.DELETE(new Request("http://127.0.0.1/api/documents/..%2F..", { method: "DELETE" }), params("../.."));
    expect(malformed.status).toBe(400);

    const after = (await (await documentsRoute.GET()).json()) as { documents: { id: string }[] };
    expect(after.documents.map((d) => d.id)).toEqual(before.documents.map((d) => d.id));
    expect(fs.existsSync(storedFile(kept!.document!.sha256))).toBe(true);
  });
});
