// Before each test file of the "postgres" project: a new database, so the file's queries run
// against PostgreSQL exactly as against a fresh SQLite data dir.
import crypto from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

const admin = new URL(inject("pgUrl"));
const name = `t_${crypto.randomBytes(6).toString("hex")}`;
const client = new pg.Client({ connectionString: admin.href });
await client.connect();
try {
  await client.query(`CREATE DATABASE ${name}`);
} finally {
  await client.end();
}
admin.pathname = `/${name}`;
process.env.CAIRN_DATABASE_URL = admin.href;
