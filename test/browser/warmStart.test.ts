import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import type { ModelState } from "@/models";
import { testModelPaths } from "../modelDependent/testModels";
import { artifactsDir, launchChromium, startCairn, type RunningCairn } from "./utils/cairn";

// Warm start: the web server loads both models in the background as it starts, before any
// question, and the home page says so meanwhile. With CAIRN_WARM_START=off nothing is loaded
// after the same wait (so the first check cannot pass by accident).

const apps: RunningCairn[] = [];
afterAll(async () => {
  for (const a of apps) await a.stop();
});

async function states(app: RunningCairn): Promise<Record<"llm" | "embedder", ModelState>> {
  const res = await fetch(app.url + "/api/models");
  expect(res.status).toBe(200);
  return (await res.json()).state;
}

test("models are loaded at start without any question; off, they are not", async () => {
  const models = testModelPaths();
  const env = { CAIRN_LLM_MODEL: models.llm, CAIRN_EMBED_MODEL: models.embedder, CAIRN_MODEL_THREADS: process.env.CAIRN_MODEL_THREADS ?? "1" };
  const t0 = Date.now();
  const warm = await startCairn(env, { worker: false });
  apps.push(warm);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(warm.url, { waitUntil: "load" });
    const seen = new Set<string>();
    let s = await states(warm);
    while (!(s.llm.loaded && s.embedder.loaded)) {
      if (Date.now() - t0 > 180_000) throw new Error(`models not loaded after 180 s: ${JSON.stringify(s)}\n${warm.logs()}`);
      if (s.llm.status === "loading" || s.embedder.status === "loading") seen.add("loading");
      if (seen.has("loading") && !seen.has("shot") && (await page.getByText(/Loading the (language|embedding) model/).count()) > 0) {
        fs.mkdirSync(artifactsDir, { recursive: true });
        await page.screenshot({ path: path.join(artifactsDir, "warm-start-loading.png") });
        seen.add("shot");
      }
      await new Promise((r) => setTimeout(r, 200));
      s = await states(warm);
    }
    const loadedAfter = Date.now() - t0;
    expect(s.llm).toMatchObject({ status: "ready", loaded: true });
    expect(s.embedder).toMatchObject({ status: "ready", loaded: true });
    expect(warm.logs()).toMatch(/warm start: llm .* loaded in \d+ ms/);
    // Loaded, the banner is gone.
    await page.reload({ waitUntil: "load" });
    await page.getByRole("heading", { level: 1 }).waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await page.getByText(/Loading the (language|embedding) model/).count()).toBe(0);

    const cold = await startCairn({ ...env, CAIRN_WARM_START: "off" }, { worker: false });
    apps.push(cold);
    await new Promise((r) => setTimeout(r, loadedAfter + 2000));
    const c = await states(cold);
    expect(c.llm).toMatchObject({ status: "ready", loaded: false });
    expect(c.embedder).toMatchObject({ status: "ready", loaded: false });
  } finally {
    await browser.close();
  }
});
