import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBuild, npmBin, offlineEnv, root } from "../../../scripts/lib.mjs";
import { freePort } from "../../browser/utils/cairn";
import { PLANTED_FACTS } from "./askCorpus";
import { rng } from "./syntheticCorpus";
import { percentile } from "./stats";

// GET /api/search end to end against the built app (`next start`, as npm start runs it) on a
// given data dir. Not test/browser/utils/cairn.ts's startCairn: that rebuilds whenever any source
// is newer than the build, and with several people editing the tree that means a next build
// (minutes on 2 cores) in the middle of a benchmark, racing anyone else's build.

const TOPICS = [
  "isolate pump before maintenance", "lock out breaker and tag", "flange bolt torque", "bearing temperature limit", "vent trapped air after reassembly",
  "replace worn mechanical seal", "termination for convenience notice", "invoice payment days", "liability insurance amount", "consequential loss exclusion",
  "warranty period from acceptance", "liquidated damages for late delivery", "governing law", "confidential information years", "price adjustment index",
  "visitor badge reception", "chemical spill in laboratory", "hearing protection noise", "fire watch after hot work", "working at height harness",
  "forklift speed limit", "near miss report", "platform availability percent", "priority 1 incident response", "scheduled maintenance window",
  "backup retention days", "recovery time objective", "monthly service report", "change advisory board", "eye wash station flushing",
];

export function searchQueries(count: number): string[] {
  const random = rng(7);
  const facts = PLANTED_FACTS.map((f) => f.question);
  return Array.from({ length: count }, (_, i) => {
    if (i % 10 === 0) return facts[(i / 10) % facts.length]!;
    const topic = TOPICS[Math.floor(random() * TOPICS.length)]!;
    // Tags such as "P-412" appear in the corpus text, so some queries carry one.
    return random() < 0.3 ? `${topic} ${["P", "V", "B", "PG"][Math.floor(random() * 4)]}-${100 + Math.floor(random() * 800)}` : topic;
  });
}

export interface SearchLatency {
  buildId: string;
  builtAt: string;
  requests: number;
  coldFirstMs: number;
  warmUpRequests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanResults: number;
  /** Planted-fact queries whose fact's page was the top result. */
  factTopHits: string;
}

export async function measureSearch(env: Record<string, string>, requests: number): Promise<SearchLatency> {
  const buildIdFile = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildIdFile)) ensureBuild();
  const port = await freePort();
  let log = "";
  const web = spawn(npmBin("next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...process.env, ...offlineEnv, NODE_ENV: "production", CAIRN_PORT: String(port), ...env },
  });
  web.stdout.on("data", (d) => (log += d));
  web.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (web.exitCode !== null) throw new Error(`web app exited early:\n${log}`);
      const up = await fetch(`${url}/api/documents`).then((r) => r.status < 500, () => false);
      if (up) break;
      if (Date.now() > deadline) throw new Error(`web app did not start in 60 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const search = async (q: string) => {
      const t = performance.now();
      const res = await fetch(`${url}/api/search?q=${encodeURIComponent(q)}`);
      const body = (await res.json()) as { results?: { fileName: string; page: number | null }[] };
      const ms = performance.now() - t;
      if (res.status !== 200 || !body.results) throw new Error(`/api/search?q=${q} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
      return { ms, results: body.results };
    };
    // The first request loads the embedder in the server; it is reported, not counted.
    const cold = await search("pump maintenance");
    const warmUp = searchQueries(5).map((q) => `${q} overview`);
    for (const q of warmUp) await search(q);
    const times: number[] = [];
    let resultCount = 0;
    let factHits = 0;
    let factQueries = 0;
    for (const q of searchQueries(requests)) {
      const { ms, results } = await search(q);
      times.push(ms);
      resultCount += results.length;
      const fact = PLANTED_FACTS.find((f) => f.question === q);
      if (fact) {
        factQueries++;
        if (results[0]?.fileName === fact.file && results[0].page === fact.page) factHits++;
      }
    }
    return {
      buildId: fs.readFileSync(buildIdFile, "utf8").trim(),
      builtAt: fs.statSync(buildIdFile).mtime.toISOString(),
      requests: times.length,
      coldFirstMs: cold.ms,
      warmUpRequests: warmUp.length,
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      maxMs: Math.max(...times),
      meanResults: resultCount / times.length,
      factTopHits: `${factHits}/${factQueries}`,
    };
  } finally {
    await new Promise<void>((resolve) => {
      if (web.exitCode !== null) return resolve();
      web.once("exit", () => resolve());
      web.kill("SIGTERM");
      setTimeout(() => web.kill("SIGKILL"), 5000).unref();
    });
  }
}
