import { config } from "@/core/config";
import { isCairnError } from "@/core/errors";
import { ensureTestModels } from "./fetchTestModels";

// `npm run test-models`: fetch, assemble and verify the real small models tests use.
async function main() {
  const dir = config().testModelsDir;
  console.log(`Test models cache: ${dir}`);
  const files = await ensureTestModels(dir, (msg) => console.log(msg));
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
