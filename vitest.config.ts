import { defineConfig } from "vitest/config";
import path from "node:path";

// Three projects, as in node-llama-cpp: fast standalone tests, tests that need the
// real test models (npm run test-models), and browser tests against Debian's Chromium.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      { extends: true, test: { name: "standalone", include: ["test/standalone/**/*.test.ts"], testTimeout: 30_000 } },
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
