// npm run models -- list | pull <name> [--allow-unverified] | import <path> [--name N] [--role llm|embedder]
import { parseArgs } from "node:util";
import { config } from "@/core/config";
import { CairnError, isCairnError } from "@/core/errors";
import { pullModel } from "./download";
import { createProgressReporter, formatBytes } from "./progress";
import { listModels, resolveModelFile } from "./registry";
import type { ModelRole } from "./types";

const HELP = `Usage: npm run models -- <command>

Commands:
  list                                   Every known model, installed or not, and which one each role uses.
  pull <name> [--allow-unverified]       Download a catalogue model into the models dir (resumes, checks sha256).
  import <path> [--name N] [--role R]    Copy a local .gguf into the models dir (for machines without network).
                                         R is llm or embedder; guessed from the file when omitted.
Options:
  --json                                 (list) Print JSON instead of a table.
  -h, --help                             Show this help.

Models dir: CAIRN_MODELS_DIR (default <CAIRN_DATA_DIR>/models). Download server: CAIRN_HF_BASE_URL.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      json: { type: "boolean" },
      "allow-unverified": { type: "boolean" },
      name: { type: "string" },
      role: { type: "string" },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    console.log(HELP);
    return 0;
  }
  if (!command) throw new UsageError("missing command");

  if (command === "list") {
    if (rest.length) throw new UsageError(`list takes no arguments (got "${rest.join(" ")}")`);
    return list(Boolean(values.json));
  }
  if (command === "pull") {
    if (rest.length !== 1) throw new UsageError("pull needs exactly one model name (see: npm run models -- list)");
    return pull(rest[0], Boolean(values["allow-unverified"]));
  }
  if (command === "import") {
    if (rest.length !== 1) throw new UsageError("import needs exactly one path to a .gguf file");
    if (values.role !== undefined && values.role !== "llm" && values.role !== "embedder") {
      throw new UsageError(`--role must be llm or embedder, not "${values.role}"`);
    }
    return importFile(rest[0], values.name, values.role as ModelRole | undefined);
  }
  throw new UsageError(`unknown command "${command}"`);
}

function list(json: boolean): number {
  const cfg = config();
  const models = listModels(cfg);
  const selected = (["llm", "embedder"] as const).map((role) => {
    try {
      return { role, model: resolveModelFile(role, cfg), problem: null };
    } catch (e) {
      // Shown, not swallowed: `list` is where people go to see why a setting does not work.
      if (!isCairnError(e)) throw e;
      return { role, model: null, problem: e.message };
    }
  });
  if (json) {
    console.log(JSON.stringify({ modelsDir: cfg.modelsDir, selected, models }, null, 2));
    return 0;
  }
  console.log(`Models dir: ${cfg.modelsDir}\n`);
  const rows = models.map((m) => [
    m.name,
    m.role,
    m.sizeBytes === null ? "?" : formatBytes(m.sizeBytes),
    m.installed ? "installed" : m.partialBytes ? `partial ${formatBytes(m.partialBytes)}` : "missing",
    [m.isDefault ? "default" : "", m.testOnly ? "test" : "", m.kind === "imported" ? "imported" : ""].filter(Boolean).join(","),
    m.installed ? m.path : m.getCommand,
  ]);
  printTable(["NAME", "ROLE", "SIZE", "STATUS", "TAGS", "PATH / HOW TO GET"], rows);
  console.log("");
  for (const s of selected) {
    const what = s.problem ?? (s.model ? `${s.model.name} (${s.model.source}) ${s.model.path}` : "none installed");
    console.log(`${s.role === "llm" ? "LLM     " : "Embedder"}: ${what}`);
  }
  return 0;
}

async function pull(name: string, allowUnverified: boolean): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  const progress = createProgressReporter({ label: name });
  try {
    const result = await pullModel(name, { allowUnverified, signal: controller.signal, onProgress: (p) => progress.update(p) });
    if (result.alreadyInstalled) {
      console.log(`${result.name} is already installed and verified: ${result.path}`);
    } else {
      const check = result.verified ? `sha256 verified` : `sha256 NOT verified (${result.sha256})`;
      progress.done(`Installed ${result.name} (${formatBytes(result.sizeBytes)}, ${check}): ${result.path}`);
    }
    return 0;
  } catch (e) {
    progress.interrupt();
    throw e;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

async function importFile(file: string, name: string | undefined, role: ModelRole | undefined): Promise<number> {
  // Loaded on demand: it pulls in node-llama-cpp's GGUF reader, which list and pull never need.
  const { importModel } = await import("./importModel");
  const result = await importModel(file, { name, role });
  const as = result.catalogueMatch ? `catalogue model ${result.name}` : `${result.role} "${result.name}"`;
  console.log(`Imported ${file} as ${as} (${result.architecture}, ${formatBytes(result.sizeBytes)}, sha256 ${result.sha256}): ${result.path}`);
  if (!result.catalogueMatch) {
    const variable = result.role === "llm" ? "CAIRN_LLM_MODEL" : "CAIRN_EMBED_MODEL";
    console.log(`It is used when no catalogue ${result.role} is installed; to choose it explicitly, set ${variable}=${result.name}.`);
  }
  return 0;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  "));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`error: ${(e as Error).message} (see: npm run models -- --help)`);
      process.exitCode = 2;
      return;
    }
    if (e instanceof CairnError) {
      console.error(`error: ${e.message}`);
      process.exitCode = e.reason === "aborted" ? 130 : 1;
      return;
    }
    console.error(e);
    process.exitCode = 1;
  },
);
