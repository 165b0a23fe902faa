import path from "node:path";
import fs from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { artifactsDir, launchChromium, startCairn, type RunningCairn } from "./utils/cairn";

let app: RunningCairn;
let browser: Browser;

beforeAll(async () => {
  app = await startCairn({}, { worker: false });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test("the home page renders in Chromium and loads nothing from outside the machine", async () => {
  const page = await browser.newPage();
  const external: string[] = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(u.hostname) && u.protocol !== "data:") external.push(r.url());
  });
  await page.goto(app.url, { waitUntil: "load" });
  await expect(page.getByRole("heading", { level: 1 })).toBeTruthy();
  expect(await page.locator("h1").textContent()).toContain("Ask your documents");
  expect(await page.getByRole("link", { name: "Library", exact: true }).count()).toBe(1);
  fs.mkdirSync(artifactsDir, { recursive: true });
  const shot = path.join(artifactsDir, "home.png");
  await page.screenshot({ path: shot, fullPage: true });
  expect(fs.statSync(shot).size).toBeGreaterThan(1000);
  expect(external).toEqual([]);
});
