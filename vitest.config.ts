import { defineConfig } from "vitest/config";
import path from "node:path";

// Three projects, as in node-llama-cpp: fast standalone tests, tests that need the
// real test models (npm run test-models), and browser tests against Debian's Chromium.
// Standalone tests that go through the metadata database (core/db). Not ocr.test.ts: minutes of
// real OCR for a few queries, which test/postgres/queries.test.ts runs directly.
const postgresTests = [
  "test/standalone/api/chats.test.ts",
  "test/standalone/api/documents.test.ts",
  "test/standalone/api/modelsManage.test.ts",
  "test/standalone/api/modelsPermissions.test.ts",
  "test/standalone/auth/accounts.test.ts",
  "test/standalone/ingest/keywordBeforeEmbedded.test.ts",
  "test/standalone/ingest/reembed.test.ts",
  "test/standalone/ingest/watch.test.ts",
  "test/standalone/library/upload.test.ts",
  "test/standalone/models/computeScheduler.test.ts",
  "test/standalone/scripts/firstRun.test.ts",
  "test/postgres/**/*.test.ts",
];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      { extends: true, test: { name: "standalone", include: ["test/standalone/**/*.test.ts"], testTimeout: 30_000 } },
      // The metadata-db tests again, on PostgreSQL (CAIRN_DATABASE_URL, a cluster started by globalSetup).
      {
        extends: true,
        test: {
          name: "postgres",
          include: postgresTests,
          testTimeout: 30_000,
          hookTimeout: 120_000,
          globalSetup: ["test/postgres/globalSetup.ts"],
          setupFiles: ["test/postgres/setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "modelDependent",
          include: ["test/modelDependent/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One file at a time: each loads real models, and the machine has 2 cores.
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
