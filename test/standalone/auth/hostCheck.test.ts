import { describe, expect, it } from "vitest";
import { route } from "@/lib/http";

// DNS rebinding against the single-user default: a site whose name resolves to 127.0.0.1 reaches
// Cairn as same-origin, so only a loopback Host is served (accounts off, listening on loopback).

const ok = route(async (_request: Request) => new Response("ok"));
const get = (host: string | null) => ok(new Request("http://127.0.0.1:3000/api/documents", { headers: host ? { host } : {} }));

describe("Host check on the loopback default", () => {
  it("serves loopback names, with or without a port", async () => {
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "127.0.0.1", null]) expect((await get(host)).status, String(host)).toBe(200);
  });

  it("refuses any other name with a 403 that says why, before the handler runs", async () => {
    let ran = false;
    const handler = route(async (_request: Request) => ((ran = true), new Response("secret")));
    const r = await handler(new Request("http://127.0.0.1:3000/api/documents", { headers: { host: "attacker.example:3000" } }));
    expect(r.status).toBe(403);
    expect(JSON.stringify(await r.json())).toContain("attacker.example");
    expect(ran).toBe(false);
    expect((await get("evil.127.0.0.1.nip.io:3000")).status).toBe(403);
  });
});
