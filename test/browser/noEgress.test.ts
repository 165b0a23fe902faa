import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { testModelPaths } from "../modelDependent/testModels";
import { root } from "../../scripts/lib.mjs";
import { launchChromium, startCairn, watchExternal, type RunningCairn } from "./utils/cairn";

// No egress, tested: the web app and the worker (and every process they start) run with a
// preload that records and blocks any attempt to reach anything but loopback (TCP, TLS, DNS,
// UDP; test/utils/egressTrap.mjs). The whole flow — log in, upload a PDF and a text file, ingest
// with the real embedder, search, ask the real LLM, open every page in Chromium — must leave no
// attempt in the log. Every page's Content-Security-Policy names no origin but this one.

const PW = "correct horse battery";
const trap = path.join(root, "test", "utils", "egressTrap.mjs");
let app: RunningCairn;
let browser: Browser;
let egressLog: string;
let cookie: string;

const entries = () =>
  fs.existsSync(egressLog)
    ? fs
        .readFileSync(egressLog, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { pid: number; kind: string; target?: string; argv?: string; stack?: string })
    : [];

async function pumpManual(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pages = [
    ["Plant maintenance manual", "Inspect the cooling filters every month."],
    ["Pump isolation", "The isolation valve for pump P-101 is V-17.", "Close V-17 fully before opening the pump casing."],
  ];
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((text, i) => page.drawText(text, { x: 50, y: 780 - i * 24, size: 12, font }));
  }
  return doc.save();
}

const api = (p: string, init: RequestInit = {}) => fetch(app.url + p, { ...init, headers: { cookie, ...(init.headers as Record<string, string>) } });

beforeAll(async () => {
  const models = testModelPaths();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-egress-"));
  egressLog = path.join(dir, "egress.jsonl");
  app = await startCairn({
    NODE_OPTIONS: `--import ${trap}`,
    CAIRN_EGRESS_LOG: egressLog,
    CAIRN_ACCOUNTS: "on",
    CAIRN_EMBED_MODEL: models.embedder,
    CAIRN_LLM_MODEL: models.llm,
    CAIRN_MODEL_THREADS: "1",
    CAIRN_ASK_ANSWER_TOKENS: "64",
    CAIRN_WORKER_POLL_MS: "200",
  });
  const r = spawnSync(process.execPath, ["--import", trap, "--import", "tsx", "lib/adminCli.ts", "create", "root"], {
    cwd: root,
    env: { ...process.env, CAIRN_DATA_DIR: app.dataDir, CAIRN_ACCOUNTS: "on", CAIRN_EGRESS_LOG: egressLog },
    input: `${PW}\n`,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (egressLog) fs.rmSync(path.dirname(egressLog), { recursive: true, force: true });
});

test("the trap works: a process under it that tries to reach out is recorded and refused", () => {
  const r = spawnSync(process.execPath, ["--import", trap, "-e", "fetch('https://huggingface.co/').then(() => process.exit(0), (e) => { console.log(e.cause?.message ?? e.message); process.exit(3); })"], {
    env: { ...process.env, CAIRN_EGRESS_LOG: `${egressLog}.probe` },
    encoding: "utf8",
  });
  expect(r.status).toBe(3);
  expect(r.stdout).toMatch(/egress blocked/);
  const probe = fs.readFileSync(`${egressLog}.probe`, "utf8");
  expect(probe).toMatch(/"kind":"(tls|dns|tcp)","target":"huggingface\.co/);
  fs.rmSync(`${egressLog}.probe`);
});

test("log in, upload, ingest, search, ask and every page: not one outbound attempt, strict CSP everywhere", async () => {
  const login = await fetch(app.url + "/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "root", password: PW }) });
  expect(login.status).toBe(200);
  cookie = login.headers.get("set-cookie")!.split(";")[0];

  const form = new FormData();
  form.append("file", new Blob([Buffer.from(await pumpManual())]), "pump-manual.pdf");
  form.append("file", new Blob([fs.readFileSync(path.join(root, "..", "shared", "fixtures", "medical", "Lumbar Laminectomy.txt"))]), "Lumbar Laminectomy.txt");
  const up = await api("/api/documents", { method: "POST", body: form });
  expect(up.status).toBe(202);
  const results = (await up.json()).results as { name: string; document: { id: string } }[];
  const ids = results.map((r) => r.document.id);
  const deadline = Date.now() + 240_000;
  for (;;) {
    const docs = (await (await api("/api/documents")).json()).documents as { id: string; status: string; errorMessage: string | null }[];
    const mine = docs.filter((d) => ids.includes(d.id));
    expect(mine.filter((d) => d.status === "failed")).toEqual([]);
    if (mine.length === 2 && mine.every((d) => d.status === "indexed")) break;
    if (Date.now() > deadline) throw new Error(`not indexed in time: ${JSON.stringify(mine)}\n${app.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }

  const search = await (await api(`/api/search?q=${encodeURIComponent("isolation valve P-101")}`)).json();
  expect(search.results[0].text).toContain("V-17");
  const ask = await api("/api/ask", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "Which valve isolates pump P-101?" }) });
  expect(ask.status).toBe(200);
  const stream = await ask.text();
  expect(stream).toContain("event: done");

  // By name: the upload's results need not come in the form's order (that opened the text file's viewer in CI).
  const pdfId = results.find((r) => r.name === "pump-manual.pdf")!.document.id;
  for (const page of ["/", "/library", "/models", "/admin", `/view/${pdfId}?page=2`, "/login"]) {
    const res = await fetch(app.url + page, { headers: page === "/login" ? {} : { cookie }, redirect: "manual" });
    expect(res.status, page).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp, page).toMatch(/default-src 'self'/);
    expect(csp, page).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp, page).toMatch(/object-src 'none'/);
    expect(csp, page).toMatch(/frame-ancestors 'none'/);
    const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives.get("script-src"), page).not.toContain("'unsafe-inline'");
    expect(directives.get("script-src"), page).not.toContain("'unsafe-eval'");
    // Sources are 'self', nonces, keywords, data: and blob: only: no host, no scheme wildcard, no *.
    for (const [name, sources] of directives) {
      for (const src of sources) expect(src, `${page} ${name}`).toMatch(/^('[a-z-]+'|'nonce-[A-Za-z0-9+/=]+'|data:|blob:)$/);
    }
    const html = await res.text();
    expect(html, page).not.toMatch(/(src|href)="(https?:)?\/\/(?!127\.0\.0\.1)/);
  }

  // The same pages in Chromium, logged in: they render under the CSP and fetch nothing from outside.
  const context = await browser.newContext();
  await context.addCookies([{ name: cookie.split("=")[0], value: cookie.split("=")[1], url: app.url }]);
  const page = await context.newPage();
  const external = watchExternal(page);
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(`${app.url}/view/${pdfId}?page=2`, { waitUntil: "load" });
  const consoleLines: string[] = [];
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  await page
    .getByText("V-17", { exact: false })
    .first()
    .waitFor({ timeout: 60_000 })
    .catch(async (e: unknown) => {
      // Seen once in CI, never here: say what the viewer showed instead.
      const shown = (await page.locator("main").innerText().catch(() => "")).slice(0, 600);
      throw new Error(`viewer never showed "V-17": ${String(e)}\npage: ${shown}\nconsole: ${consoleLines.slice(-10).join("\n")}\nexternal: ${JSON.stringify(external)}`);
    });
  for (const p of ["/", "/library", "/models", "/admin"]) {
    await page.goto(app.url + p, { waitUntil: "networkidle" });
  }
  await context.close();
  expect(external).toEqual([]);
  expect(violations).toEqual([]);

  const log = entries();
  const armed = log.filter((e) => e.kind === "armed");
  // The web server, the worker and the admin CLI each loaded the trap.
  expect(armed.some((e) => /next/.test(e.argv ?? ""))).toBe(true);
  expect(armed.some((e) => /ingest\/worker/.test(e.argv ?? ""))).toBe(true);
  expect(armed.some((e) => /adminCli/.test(e.argv ?? ""))).toBe(true);
  expect(log.filter((e) => e.kind !== "armed")).toEqual([]);
});
