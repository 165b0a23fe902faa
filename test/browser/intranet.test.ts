import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { testModelPaths } from "../modelDependent/testModels";
import { root } from "../../scripts/lib.mjs";
import { artifactsDir, launchChromium, startCairn, watchExternal, type RunningCairn } from "./utils/cairn";

// Intranet mode in Chromium: two users in two browser contexts log in through the login page,
// each uploads into their own collection, and each sees only their own documents and search hits;
// the other's viewer page is a 404; logout returns to the login page. Every page carries the
// strict CSP, no page breaks it, and nothing is requested from outside the machine.

const PW = "correct horse battery";
const ALICE = { file: "heron-vault.txt", text: "Heron archive. The vault combination is 4417-QUARTZ-9, changed each spring." };
const BOB = { file: "canteen.txt", text: "Canteen notes. Lentil soup is served on Fridays from 11:30." };

let app: RunningCairn;
let browser: Browser;

function admin(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "lib/adminCli.ts", ...args], {
    cwd: root,
    env: { ...process.env, CAIRN_DATA_DIR: app.dataDir, CAIRN_ACCOUNTS: "on" },
    input: `${PW}\n`,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`admin ${args.join(" ")}: ${r.stderr}`);
}

beforeAll(async () => {
  const models = testModelPaths();
  app = await startCairn({ CAIRN_ACCOUNTS: "on", CAIRN_EMBED_MODEL: models.embedder, CAIRN_LLM_MODEL: models.llm, CAIRN_MODEL_THREADS: "1", CAIRN_WORKER_POLL_MS: "200" });
  admin(["create", "root"]);
  admin(["add-user", "alice"]);
  admin(["add-user", "bob"]);
  admin(["collection", "alpha", "Alpha team"]);
  admin(["collection", "bravo", "Bravo team"]);
  admin(["grant", "alice", "alpha", "editor"]);
  admin(["grant", "bob", "bravo", "editor"]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

interface Session {
  context: BrowserContext;
  page: Page;
  external: string[];
  cspViolations: string[];
}

async function logIn(name: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const external = watchExternal(page);
  const cspViolations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  const res = await page.goto(`${app.url}/library`, { waitUntil: "load" });
  expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(new URL(page.url()).pathname).toBe("/login");
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(PW);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${app.url}/library`);
  await page.getByTestId("who-am-i").waitFor();
  expect(await page.getByTestId("who-am-i").textContent()).toContain(name);
  return { context, page, external, cspViolations };
}

async function uploadAndWait(s: Session, file: { file: string; text: string }) {
  const tmp = path.join(app.dataDir, file.file);
  fs.writeFileSync(tmp, file.text);
  await s.page.locator('input[type="file"]').setInputFiles(tmp);
  await s.page.locator('[data-testid="document-row"][data-status="indexed"]').first().waitFor({ timeout: 120_000 });
}

const docNames = (s: Session) => s.page.getByTestId("document-row").locator("a, .font-medium").allTextContents();

test("two users in two contexts each see only their own documents and search hits", async () => {
  const alice = await logIn("alice");
  const bob = await logIn("bob");
  await uploadAndWait(alice, ALICE);
  await uploadAndWait(bob, BOB);

  await alice.page.reload({ waitUntil: "load" });
  await bob.page.reload({ waitUntil: "load" });
  await alice.page.getByTestId("document-row").first().waitFor();
  await bob.page.getByTestId("document-row").first().waitFor();
  expect((await docNames(alice)).join(" ")).toContain(ALICE.file);
  expect((await docNames(alice)).join(" ")).not.toContain(BOB.file);
  expect((await docNames(bob)).join(" ")).toContain(BOB.file);
  expect((await docNames(bob)).join(" ")).not.toContain(ALICE.file);
  expect(await bob.page.content()).not.toContain("QUARTZ");
  fs.mkdirSync(artifactsDir, { recursive: true });
  await alice.page.screenshot({ path: path.join(artifactsDir, "intranet-alice-library.png"), fullPage: true });
  await bob.page.screenshot({ path: path.join(artifactsDir, "intranet-bob-library.png"), fullPage: true });

  // Search for alice's words: alice finds her passage; bob finds nothing of it.
  for (const [s, expectHit] of [
    [alice, true],
    [bob, false],
  ] as const) {
    await s.page.goto(app.url, { waitUntil: "load" });
    await s.page.getByRole("tab", { name: "Search passages" }).click();
    const box = s.page.getByRole("searchbox").or(s.page.locator('input[type="search"]')).first();
    await box.fill("vault combination heron archive");
    await s.page.waitForResponse((r) => r.url().includes("/api/search"));
    await s.page.waitForTimeout(500);
    const panel = await s.page.locator(`[role="tabpanel"]:not([hidden])`).textContent();
    if (expectHit) expect(panel).toContain("4417-QUARTZ-9");
    else expect(panel).not.toContain("QUARTZ");
  }
  await bob.page.screenshot({ path: path.join(artifactsDir, "intranet-bob-search.png"), fullPage: true });

  // Alice's viewer page by its id: hers to read, a 404 for bob.
  const aliceDocs = await alice.page.evaluate(() => fetch("/api/documents").then((r) => r.json()));
  const aliceId = (aliceDocs.documents as { id: string; name: string }[]).find((d) => d.name === ALICE.file)!.id;
  const mine = await alice.page.goto(`${app.url}/view/${aliceId}`, { waitUntil: "load" });
  expect(mine?.status()).toBe(200);
  const theirs = await bob.page.goto(`${app.url}/view/${aliceId}`, { waitUntil: "load" });
  expect(theirs?.status()).toBe(404);
  expect(await bob.page.content()).not.toContain(ALICE.file);
  const file = await bob.page.evaluate((id) => fetch(`/api/documents/${id}/file`).then((r) => r.status), aliceId);
  expect(file).toBe(404);

  // Logout ends the session: the next page is the login page.
  await bob.page.goto(app.url, { waitUntil: "load" });
  await bob.page.getByRole("button", { name: "Log out" }).click();
  await bob.page.waitForURL(/\/login/);
  await bob.page.goto(`${app.url}/library`, { waitUntil: "load" });
  expect(new URL(bob.page.url()).pathname).toBe("/login");

  for (const s of [alice, bob]) {
    expect(s.external).toEqual([]);
    expect(s.cspViolations).toEqual([]);
    await s.context.close();
  }
});

test("the admin page lists users, collections and memberships; a non-admin is turned away", async () => {
  const rootSession = await logIn("root");
  await rootSession.page.goto(`${app.url}/admin`, { waitUntil: "load" });
  await rootSession.page.getByTestId("memberships").waitFor();
  const users = await rootSession.page.getByTestId("users").textContent();
  expect(users).toContain("alice");
  expect(users).toContain("bob");
  expect(await rootSession.page.getByLabel("alice's role in Alpha team").inputValue()).toBe("editor");
  expect(await rootSession.page.getByLabel("bob's role in Alpha team").inputValue()).toBe("");
  // Make bob a reader of alpha through the page; the change is saved and audited.
  const saved = rootSession.page.waitForResponse((r) => r.url().endsWith("/api/admin/memberships") && r.request().method() === "PUT");
  await rootSession.page.getByLabel("bob's role in Alpha team").selectOption("reader");
  expect((await saved).status()).toBe(204);
  await rootSession.page.getByTestId("audit").getByText("root · membership.set · alpha").first().waitFor();
  expect(await rootSession.page.getByLabel("bob's role in Alpha team").inputValue()).toBe("reader");
  await rootSession.page.screenshot({ path: path.join(artifactsDir, "intranet-admin.png"), fullPage: true });
  expect(rootSession.cspViolations).toEqual([]);
  expect(rootSession.external).toEqual([]);

  const bob = await logIn("bob");
  await bob.page.getByTestId("document-row").first().waitFor();
  // Now a reader of alpha: bob sees alice's document there, and cannot upload into alpha (only bravo is offered).
  expect((await docNames(bob)).join(" ")).toContain(ALICE.file);
  expect(await bob.page.getByTestId("collection-picker-upload-into").count()).toBe(0);
  expect(await bob.page.getByTestId("collection-picker-show").count()).toBe(1);
  expect(await bob.page.getByTestId("upload-target").textContent()).toBe("Uploads go into Bravo team.");
  expect(await bob.page.getByRole("button", { name: `Delete ${ALICE.file}` }).count()).toBe(0);
  expect(await bob.page.getByRole("button", { name: `Delete ${BOB.file}` }).count()).toBe(1);
  await bob.page.getByTestId("collection-picker-show").selectOption("bravo");
  expect((await docNames(bob)).join(" ")).not.toContain(ALICE.file);
  await bob.page.getByTestId("collection-picker-show").selectOption("");
  await bob.page.screenshot({ path: path.join(artifactsDir, "intranet-bob-reader-of-alpha.png"), fullPage: true });
  await bob.page.goto(`${app.url}/admin`, { waitUntil: "load" });
  await bob.page.getByText("Only an administrator can see this page.").waitFor();
  expect(await bob.page.getByTestId("memberships").count()).toBe(0);
  await rootSession.context.close();
  await bob.context.close();
});

test("the account page lists my collections and makes an API key that works until I revoke it", async () => {
  const alice = await logIn("alice");
  await alice.page.getByTestId("who-am-i").click();
  await alice.page.waitForURL(`${app.url}/account`);
  expect(await alice.page.getByTestId("my-collections").textContent()).toContain("Alpha team");
  await alice.page.getByLabel("Name").fill("nightly script");
  await alice.page.getByRole("button", { name: "Create key" }).click();
  const key = (await alice.page.getByTestId("new-api-key").textContent())!;
  expect(key).toMatch(/^cairn_/);
  const me = await fetch(`${app.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
  expect((await me.json()).user.name).toBe("alice");
  await alice.page.screenshot({ path: path.join(artifactsDir, "intranet-account.png"), fullPage: true });
  await alice.page.getByRole("button", { name: "Revoke nightly script" }).click();
  await alice.page.getByTestId("api-keys").getByText("revoked").waitFor();
  expect((await fetch(`${app.url}/api/documents`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
  expect(alice.cspViolations).toEqual([]);
  await alice.context.close();
});
