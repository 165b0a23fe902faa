// End-to-end ingestion through the real worker process: documents per minute, pages/s,
// chunks embedded per second and the worker's peak RSS, on the real-world fixture corpus and
// on a generated 500-page PDF. Run: node --import tsx test/bench/ingest.ts
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeLongPdf } from "./utils/longPdf";
import { root, workerCommand } from "../../scripts/lib.mjs";
import { testModelPaths } from "../modelDependent/testModels";

const models = testModelPaths();
const fixtures = path.resolve(root, "../shared/fixtures/real-world");

/** Peak resident set (VmHWM) of a process, from /proc. */
function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function runCorpus(label: string, files: { name: string; bytes: Buffer }[]) {
  // One corpus per process: config() reads CAIRN_DATA_DIR once.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-bench-ingest-"));
  process.env.CAIRN_DATA_DIR = dataDir;
  const { openDb, closeDb } = await import("@/core/db");
  const { config } = await import("@/core/config");
  const cfg = config();
  const { addUploadedFile } = await import("@/lib/library");
  const q = await import("@/core/db/queries");
  const { currentPrincipal } = await import("@/lib/auth");
  const { sha256File, tempFilePath } = await import("@/core/files");
  const db = openDb(cfg.dbPath);
  const ids: string[] = [];
  for (const f of files) {
    const temp = tempFilePath(dataDir);
    fs.writeFileSync(temp, f.bytes);
    const { sha256, size } = await sha256File(temp);
    const { document } = addUploadedFile(currentPrincipal(), "default", { tempPath: temp, name: f.name, sha256, size });
    ids.push(document.id);
  }
  const t0 = Date.now();
  const worker = spawn(workerCommand[0], workerCommand[1], {
    cwd: root,
    env: { ...process.env, CAIRN_DATA_DIR: dataDir, CAIRN_EMBED_MODEL: models.embedder, CAIRN_WORKER_POLL_MS: "50" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  let peak = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    peak = Math.max(peak, peakRssMb(worker.pid!));
    const docs = ids.map((id) => q.getDocument(db, id)!);
    if (docs.every((d) => d.status === "indexed" || d.status === "failed")) {
      const seconds = (Date.now() - t0) / 1000;
      worker.kill("SIGTERM");
      const indexed = docs.filter((d) => d.status === "indexed");
      const pages = indexed.reduce((s, d) => s + (d.pageCount ?? 0), 0);
      const chunks = indexed.reduce((s, d) => s + d.chunkCount, 0);
      closeDb(cfg.dbPath);
      fs.rmSync(dataDir, { recursive: true, force: true });
      return {
        corpus: label,
        documents: docs.length,
        indexed: indexed.length,
        failed: docs.length - indexed.length,
        pages,
        chunks,
        seconds: +seconds.toFixed(1),
        docsPerMinute: +((docs.length / seconds) * 60).toFixed(1),
        pagesPerSecond: +(pages / seconds).toFixed(1),
        chunksPerSecond: +(chunks / seconds).toFixed(1),
        workerPeakRssMb: Math.round(peak),
      };
    }
  }
}

const corpora: Record<string, () => Promise<{ name: string; bytes: Buffer }[]>> = {
  fixtures: async () =>
    ["pdf", "docx"].flatMap((d) => fs.readdirSync(path.join(fixtures, d)).map((f) => ({ name: f, bytes: fs.readFileSync(path.join(fixtures, d, f)) }))),
  "generated-500-page-pdf": async () => [{ name: "long.pdf", bytes: Buffer.from(await makeLongPdf(500)) }],
};

const child = process.argv[2];
if (child) {
  const row = await runCorpus(child, await corpora[child]());
  process.stdout.write(`RESULT ${JSON.stringify(row)}\n`);
  process.exit(0);
}
const rows = [];
for (const name of Object.keys(corpora)) {
  const r = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, name], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`corpus ${name} failed (exit ${r.status})`);
  rows.push(JSON.parse(line.slice(7)));
}
console.table(rows);
fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
fs.writeFileSync(path.join(root, "bench-results", "ingest.json"), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
process.exit(0);
