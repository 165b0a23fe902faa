// `npm run bench -- load`: one Cairn (web app + worker, accounts on) on loopback, 50 concurrent
// clients for 60 s — 45 searching, 5 asking the real test LLM — split between two users whose
// collections hold distinct secrets. Reports served requests, statuses, p50/p95 per kind, any
// request lost (a network error or a 5xx), any answer carrying the other user's secret, and the
// web server's memory. BENCH_CLIENTS, BENCH_ASKERS, BENCH_SECONDS override the shape.
import { execSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { root } from "../../scripts/lib.mjs";
import { startCairn } from "../browser/utils/cairn";
import { testModelPaths } from "../modelDependent/testModels";
import { loadAverage, percentile, round } from "./utils/stats";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const ASKERS = Number(process.env.BENCH_ASKERS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PW = "correct horse battery";
const USERS = {
  alice: { collection: "alpha", secret: "4417-QUARTZ-9", file: "heron.txt", text: "Heron archive. The vault combination is 4417-QUARTZ-9. It is changed each spring.", q: "What is the vault combination of the Heron archive?" },
  bob: { collection: "bravo", secret: "LENTIL-5521", file: "canteen.txt", text: "Canteen notes. The canteen pass code is LENTIL-5521. Soup is served on Fridays.", q: "What is the canteen pass code?" },
} as const;
type Name = keyof typeof USERS;

const models = testModelPaths();
const app = await startCairn({
  CAIRN_ACCOUNTS: "on",
  CAIRN_EMBED_MODEL: models.embedder,
  CAIRN_LLM_MODEL: models.llm,
  CAIRN_MODEL_THREADS: "1",
  CAIRN_ASK_ANSWER_TOKENS: "48",
  // Measure throughput, not the per-user limit (tested in test/standalone/auth).
  CAIRN_RATE_LIMIT_PER_MIN: "1000000",
});
const admin = (args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "lib/adminCli.ts", ...args], { cwd: root, env: { ...process.env, CAIRN_DATA_DIR: app.dataDir, CAIRN_ACCOUNTS: "on" }, input: `${PW}\n`, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
};

const webPid = (): number | null => {
  const port = new URL(app.url).port;
  const m = /pid=(\d+)/.exec(execSync(`ss -ltnpH 'sport = :${port}'`, { encoding: "utf8" }));
  return m ? Number(m[1]) : null;
};
const rssMb = (pid: number | null) => {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
};

try {
  const cookies: Record<Name, string> = { alice: "", bob: "" };
  for (const [name, u] of Object.entries(USERS) as [Name, (typeof USERS)[Name]][]) {
    admin(["add-user", name]);
    admin(["collection", u.collection, u.collection]);
    admin(["grant", name, u.collection, "editor"]);
    const res = await fetch(`${app.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, password: PW }) });
    cookies[name] = res.headers.get("set-cookie")!.split(";")[0];
    const form = new FormData();
    form.append("file", new Blob([u.text]), u.file);
    const up = await fetch(`${app.url}/api/documents?collection=${u.collection}`, { method: "POST", body: form, headers: { cookie: cookies[name] } });
    if (up.status !== 202) throw new Error(`upload ${up.status}`);
  }
  for (const name of Object.keys(USERS) as Name[]) {
    for (const deadline = Date.now() + 180_000; ; ) {
      const docs = (await (await fetch(`${app.url}/api/documents`, { headers: { cookie: cookies[name] } })).json()).documents as { status: string }[];
      if (docs.length && docs.every((d) => d.status === "indexed")) break;
      if (Date.now() > deadline) throw new Error("not indexed in time");
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  interface Sample {
    kind: "search" | "ask";
    user: Name;
    status: number;
    ms: number;
    leak: boolean;
    own: boolean;
  }
  const samples: Sample[] = [];
  const lost: string[] = [];
  const pid = webPid();
  const rss: number[] = [rssMb(pid)];
  const sampler = setInterval(() => rss.push(rssMb(pid)), 1000);
  const stopAt = Date.now() + SECONDS * 1000;

  async function client(i: number) {
    const user: Name = i % 2 === 0 ? "alice" : "bob";
    const other: Name = user === "alice" ? "bob" : "alice";
    const kind = i < ASKERS ? "ask" : "search";
    while (Date.now() < stopAt) {
      const t = performance.now();
      try {
        const res =
          kind === "ask"
            ? await fetch(`${app.url}/api/ask`, { method: "POST", headers: { cookie: cookies[user], "content-type": "application/json" }, body: JSON.stringify({ question: USERS[user].q }) })
            : await fetch(`${app.url}/api/search?q=${encodeURIComponent(USERS[user].q)}&limit=5`, { headers: { cookie: cookies[user] } });
        const body = await res.text();
        samples.push({ kind, user, status: res.status, ms: performance.now() - t, leak: body.includes(USERS[other].secret), own: body.includes(USERS[user].secret) });
        if (res.status >= 500) lost.push(`${kind} ${res.status}: ${body.slice(0, 200)}`);
      } catch (e) {
        lost.push(`${kind}: ${(e as Error).message}`);
      }
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  const wall = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rss.push(rssMb(pid));

  const summarize = (kind: Sample["kind"]) => {
    const s = samples.filter((x) => x.kind === kind);
    const ok = s.filter((x) => x.status === 200);
    const ms = ok.map((x) => x.ms);
    return {
      served: s.length,
      ok: ok.length,
      statuses: Object.fromEntries([...new Set(s.map((x) => x.status))].map((st) => [st, s.filter((x) => x.status === st).length])),
      p50Ms: ms.length ? round(percentile(ms, 50)) : null,
      p95Ms: ms.length ? round(percentile(ms, 95)) : null,
      perSecond: round(s.length / wall, 1),
      withOwnSecret: ok.filter((x) => x.own).length,
      crossUserLeaks: s.filter((x) => x.leak).length,
    };
  };
  const result = {
    date: new Date().toISOString(),
    clients: CLIENTS,
    askers: ASKERS,
    seconds: round(wall, 1),
    loadAverage: loadAverage(),
    search: summarize("search"),
    ask: summarize("ask"),
    lost: lost.length,
    lostExamples: lost.slice(0, 5),
    webRssMb: { start: round(rss[0]!), max: round(Math.max(...rss.filter(Number.isFinite))), end: round(rss.at(-1)!) },
    // One sample per 10 s: a plateau, not a climb, is what "bounded" means here.
    webRssMbEvery10s: rss.filter((_, i) => i % 10 === 0).map((x) => round(x)),
  };
  console.table({ search: result.search, ask: result.ask });
  console.log(JSON.stringify({ ...result, search: undefined, ask: undefined }, null, 2));
  fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench-results", "load.json"), JSON.stringify(result, null, 2));
  if (result.lost || result.search.crossUserLeaks || result.ask.crossUserLeaks) process.exitCode = 1;
} finally {
  await app.stop();
}
