import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POINTER_FILE, readVectorPointer, writeVectorPointer } from "@/models/activeEmbedder";

// vectors.json names the store search reads. A data dir that is moved or copied (a backup
// restored elsewhere, a bench's copy) must still point at its own store, not the old place.

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-pointer-"));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("vectors.json", () => {
  it("records stores inside the data dir relative to it, so a moved data dir points at its own", () => {
    const a = tmp();
    writeVectorPointer({ dataDir: a }, { uri: path.join(a, "lancedb-bge"), embedder: "bge", reembed: { embedder: "minilm", uri: path.join(a, "lancedb-minilm"), done: 1, total: 4, startedAt: "2026-12-01T00:00:00Z" } });
    expect(JSON.parse(fs.readFileSync(path.join(a, POINTER_FILE), "utf8"))).toMatchObject({ uri: "lancedb-bge", reembed: { uri: "lancedb-minilm" } });
    const b = tmp();
    fs.copyFileSync(path.join(a, POINTER_FILE), path.join(b, POINTER_FILE));
    expect(readVectorPointer({ dataDir: b })).toMatchObject({ uri: path.join(b, "lancedb-bge"), reembed: { uri: path.join(b, "lancedb-minilm") } });
  });

  it("keeps a store elsewhere, or a URL, as given; reads pointers written with absolute paths", () => {
    const a = tmp();
    writeVectorPointer({ dataDir: a }, { uri: "/mnt/vectors/lancedb", embedder: "bge" });
    expect(readVectorPointer({ dataDir: a })?.uri).toBe("/mnt/vectors/lancedb");
    writeVectorPointer({ dataDir: a }, { uri: "s3://bucket/cairn", embedder: "bge" });
    expect(readVectorPointer({ dataDir: a })?.uri).toBe("s3://bucket/cairn");
    fs.writeFileSync(path.join(a, POINTER_FILE), JSON.stringify({ uri: path.join(a, "old"), embedder: "bge" }));
    expect(readVectorPointer({ dataDir: a })?.uri).toBe(path.join(a, "old"));
  });
});
