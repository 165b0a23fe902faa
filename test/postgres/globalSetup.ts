// One throw-away PostgreSQL cluster for the "postgres" vitest project (Debian's server, installed
// on first use); each test file gets a fresh database of it (./setup.ts).
import type { TestProject } from "vitest/node";
import { startPostgres, type PostgresCluster } from "../../scripts/postgres.mjs";

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject) {
  cluster = await startPostgres();
  project.provide("pgUrl", cluster.url);
}

export async function teardown() {
  await cluster?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
