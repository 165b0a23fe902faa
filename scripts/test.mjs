// `npm test`: installs what the tests need (npm packages, Debian's chromium, the real test
// models), type-checks, checks the layering, lints, then runs every vitest project and prints one closing tally.
import fs from "node:fs";
import path from "node:path";
import { ensureChromium, ensureDependencies, npmBin, root, run } from "./lib.mjs";
import { ensurePostgres } from "./postgres.mjs";

const only = process.argv.slice(2);
const projects = only.length ? only : ["standalone", "postgres", "modelDependent", "browser"];

ensureDependencies();
if (projects.includes("browser")) ensureChromium();
// The metadata-db tests on PostgreSQL, and the workers sharing one PostgreSQL queue, start Debian's server.
if (projects.includes("postgres") || projects.includes("modelDependent")) ensurePostgres();
if (projects.some((p) => p !== "standalone")) run(npmBin("tsx"), ["models/testModels/cli.ts"]);
run(npmBin("tsc"), ["--noEmit", "-p", "."]);
// The layering of DESIGN.md (core ← models/vectorstore/ingest ← lib ← app) and no import cycles.
run("npm", ["run", "--silent", "lint:deps"]);
// ESLint: typescript-eslint, react-hooks, jsx-a11y, next (eslint.config.mjs); any warning fails.
run("npm", ["run", "--silent", "lint"]);

const outDir = path.join(root, "test", "artifacts");
fs.mkdirSync(outDir, { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
let failedRuns = 0;
for (const project of projects) {
  const report = path.join(outDir, `vitest-${project}.json`);
  fs.rmSync(report, { force: true });
  console.log(`\n› vitest project "${project}"`);
  const status = run(npmBin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], {
    // CI is inherited as it is: an empty CI= (set when CI was unset) makes node-llama-cpp refuse to load.
    allowFailure: true,
  });
  if (!fs.existsSync(report)) {
    console.error(`✖ vitest project "${project}" produced no report (exit ${status})`);
    failedRuns++;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(report, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  if (status !== 0) failedRuns++;
}
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || failedRuns > 0 || passed === 0) process.exit(1);
