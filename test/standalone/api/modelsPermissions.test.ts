import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";

// With accounts on, only an admin manages models: every model-changing route refuses anyone
// else with 403, and the overview tells the page to show no buttons.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-models-perm-"));
Object.assign(process.env, { CAIRN_DATA_DIR: tmp, CAIRN_ACCOUNTS: "on", CAIRN_TEST_MODELS_DIR: path.join(tmp, "none") });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const { config } = await import("@/core/config");
const { openDb } = await import("@/core/db");
const { runAs } = await import("@/lib/auth");
const { modelsOverview } = await import("@/lib/modelsOverview");
const { startDownload, startDefaultDownloads, removeModel, selectModel } = await import("@/lib/modelManager");
const { importUploadedModel } = await import("@/lib/modelImport");

const db = openDb(config().dbPath);
db.prepare("INSERT INTO users (id, name, is_admin) VALUES ('alice', 'alice', 1), ('bob', 'bob', 0)").run();
const alice = { userId: "alice", name: "alice", via: "session" as const };
const bob = { userId: "bob", name: "bob", via: "session" as const };

test("a non-admin sees the models but cannot change them; an admin can", async () => {
  expect(runAs(bob, () => modelsOverview(bob)).canManage).toBe(false);
  expect(runAs(alice, () => modelsOverview(alice)).canManage).toBe(true);
  expect(modelsOverview(null).canManage).toBe(false);

  const refused = (f: () => unknown) =>
    Promise.resolve()
      .then(f)
      .then(
        () => null,
        (e: { status?: number; message?: string }) => e,
      );
  for (const attempt of [
    () => startDownload(bob, "bge-small-en-v1.5"),
    () => startDefaultDownloads(bob),
    () => removeModel(bob, "bge-small-en-v1.5"),
    () => selectModel(bob, "llm", "qwen2.5-1.5b-instruct-q4_k_m"),
    () => importUploadedModel(bob, new Request("http://x", { method: "POST", body: new FormData() })),
  ]) {
    const e = await refused(attempt);
    expect(e?.status).toBe(403);
    expect(e?.message).toMatch(/Only an administrator/);
  }
  // The admin gets past the permission check to the real one (not installed).
  const e = await refused(() => selectModel(alice, "llm", "qwen2.5-1.5b-instruct-q4_k_m"));
  expect(e?.status).toBe(409);
});
