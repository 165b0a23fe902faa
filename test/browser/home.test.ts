import path from "node:path";
import fs from "node:fs";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { artifactsDir, launchChromium, startCairn, watchExternal, type RunningCairn } from "./utils/cairn";

// The home page without any model installed: it renders, loads nothing from outside, and the
// Ask / Search passages tabs work by keyboard as ARIA tabs.

let app: RunningCairn;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startCairn({}, { worker: false });
  browser = await launchChromium();
});

afterEach(async () => {
  await page?.close();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

test("the home page renders in Chromium and loads nothing from outside the machine", async () => {
  page = await browser.newPage();
  const external = watchExternal(page);
  await page.goto(app.url, { waitUntil: "load" });
  const heading = page.getByRole("heading", { level: 1 });
  await heading.waitFor({ state: "visible" });
  expect(await heading.count()).toBe(1);
  expect(await heading.textContent()).toContain("Ask your documents");
  expect(await page.getByRole("link", { name: "Library", exact: true }).count()).toBe(1);
  fs.mkdirSync(artifactsDir, { recursive: true });
  const shot = path.join(artifactsDir, "home.png");
  await page.screenshot({ path: shot, fullPage: true });
  expect(fs.statSync(shot).size).toBeGreaterThan(1000);
  expect(external).toEqual([]);
});

test("the Ask / Search passages tabs are ARIA tabs: arrow keys, Home/End, one tab stop, each controls its panel", async () => {
  page = await browser.newPage();
  await page.goto(app.url, { waitUntil: "load" });
  const tabs = page.getByRole("tablist", { name: "Mode" }).getByRole("tab");
  await tabs.first().waitFor({ state: "visible" });
  expect(await tabs.allTextContents()).toEqual(["Ask", "Search passages"]);
  const ask = page.getByRole("tab", { name: "Ask", exact: true });
  const search = page.getByRole("tab", { name: "Search passages" });

  /** Which tab is selected, which one Tab reaches, and which panel is shown (with the tab naming it). */
  const state = () =>
    page.evaluate(() => {
      const tabEls = [...document.querySelectorAll<HTMLElement>('[role="tab"]')];
      const selected = tabEls.filter((t) => t.getAttribute("aria-selected") === "true");
      const panels = [...document.querySelectorAll<HTMLElement>('[role="tabpanel"]')].filter((p) => !p.hidden);
      return {
        selected: selected.map((t) => t.textContent),
        tabStops: tabEls.filter((t) => t.tabIndex === 0).map((t) => t.textContent),
        focused: document.activeElement?.getAttribute("role") === "tab" ? document.activeElement.textContent : null,
        shownPanelIsControlled: panels.length === 1 && selected.length === 1 && selected[0].getAttribute("aria-controls") === panels[0].id,
        shownPanelLabelledBy: panels.map((p) => document.getElementById(p.getAttribute("aria-labelledby") ?? "")?.textContent),
      };
    });

  expect(await state()).toEqual({ selected: ["Ask"], tabStops: ["Ask"], focused: null, shownPanelIsControlled: true, shownPanelLabelledBy: ["Ask"] });
  // Every tab's aria-controls names a panel that exists, shown or not.
  for (const tab of [ask, search]) {
    const controls = (await tab.getAttribute("aria-controls")) ?? "";
    expect(await page.locator(`[role="tabpanel"][id="${controls}"]`).count(), `panel of ${await tab.textContent()}`).toBe(1);
  }
  expect(await page.getByLabel("Your question").isVisible()).toBe(true);

  await ask.focus();
  await page.keyboard.press("ArrowRight");
  expect(await state()).toEqual({ selected: ["Search passages"], tabStops: ["Search passages"], focused: "Search passages", shownPanelIsControlled: true, shownPanelLabelledBy: ["Search passages"] });
  expect(await page.getByRole("searchbox").isVisible()).toBe(true);
  expect(await page.getByLabel("Your question").isVisible()).toBe(false);

  await page.keyboard.press("ArrowRight"); // wraps around
  expect((await state()).focused).toBe("Ask");
  expect((await state()).selected).toEqual(["Ask"]);
  await page.keyboard.press("ArrowLeft"); // wraps the other way
  expect((await state()).selected).toEqual(["Search passages"]);
  await page.keyboard.press("Home");
  expect(await state()).toMatchObject({ selected: ["Ask"], focused: "Ask", tabStops: ["Ask"] });
  await page.keyboard.press("End");
  expect(await state()).toMatchObject({ selected: ["Search passages"], focused: "Search passages", tabStops: ["Search passages"] });

  // One tab stop: Tab leaves the tab list instead of visiting the other tab.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.getAttribute("role") ?? document.activeElement?.tagName)).not.toBe("tab");

  // A click selects too, and puts the cursor in that panel's box.
  await ask.click();
  expect((await state()).selected).toEqual(["Ask"]);
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("question");
});
