// `npm run bench`: every benchmark in this folder, one after another in its own process
// (each loads its own models; running them side by side on 2 cores would skew all of them).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const benches = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, file)], { stdio: "inherit", env: process.env });
  if (r.status !== 0) {
    failed++;
    console.error(`✖ ${file} exited with ${r.status}`);
  }
}
console.log(`\nbenchmarks: ${benches.length - failed} ran, ${failed} failed; JSON in bench-results/`);
process.exit(failed ? 1 : 0);
