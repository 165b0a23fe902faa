import { config } from "@/core/config";
import { isCairnError } from "@/core/errors";
import { ensureTestModels } from "./fetchTestModels";

// `npm run test-models`: fetch, assemble and verify the real small models tests use.
// `npm run test-models -- --large` (or CAIRN_TEST_MODELS_LARGE=1) adds the 1.1 GB 1.5B LLM for benchmarks.
async function main() {
  const dir = config().testModelsDir;
  const unknown = process.argv.slice(2).filter((a) => a !== "--large");
  if (unknown.length) throw new Error(`Unknown argument ${unknown.join(" ")}; the only option is --large.`);
  const large = process.argv.includes("--large") || process.env.CAIRN_TEST_MODELS_LARGE === "1";
  console.log(`Test models cache: ${dir}${large ? " (with the large models)" : ""}`);
  const files = await ensureTestModels(dir, (msg) => console.log(msg), { large });
  console.table(
    files.map((f) => ({
      name: f.name,
      role: f.role,
      size: `${(f.size / 1e6).toFixed(1)} MB`,
      sha256: f.sha256,
      status: f.fetched ? "fetched" : "cached",
      path: f.path,
    })),
  );
}

main().catch((e: unknown) => {
  console.error(isCairnError(e) ? `Error: ${e.message}` : e);
  process.exit(1);
});
