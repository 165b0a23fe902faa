import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

// config() reads the environment once: point it at a temp data dir before importing lib/.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-chats-"));
process.env.CAIRN_DATA_DIR = dataDir;

const { openDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { createChat, addChatMessage } = await import("@/core/db/queries");
const { currentPrincipal } = await import("@/lib/auth");
const chats = await import("@/lib/chats");
const { resolveCollections } = await import("@/lib/searchScope");
const listRoute = await import("@/app/api/chats/route");
const chatRoute = await import("@/app/api/chats/[id]/route");

const db = openDb(config().dbPath);
db.prepare("INSERT INTO users (id, name) VALUES ('other', 'Other person')").run();
db.prepare("INSERT INTO collections (id, name) VALUES ('secret', 'Secret'), ('shared', 'Shared')").run();
db.prepare("INSERT INTO collection_members (collection_id, user_id, role) VALUES ('secret', 'other', 'owner'), ('shared', 'local', 'reader')").run();
const otherChatId = "0b7e3d2c-1111-4a2b-8c3d-000000000001";
createChat(db, { id: otherChatId, userId: "other", title: "Other's private chat" });
addChatMessage(db, { chatId: otherChatId, role: "user", content: "secret question" });

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe("chats service and routes", () => {
  test("a question starts a chat titled after it; answers are saved with their metadata and reopen", async () => {
    const me = currentPrincipal();
    const chat = chats.openOrStartChat(me, undefined, "Which valve isolates pump P-101 before maintenance?");
    chats.addUserMessage(me, chat.id, "Which valve isolates pump P-101 before maintenance?");
    chats.addAssistantMessage(me, chat.id, "V-17 [1]", { citations: [{ n: 1, page: 2 }] });

    const list = await (await listRoute.GET()).json();
    expect(list.chats.map((c: { id: string }) => c.id)).toEqual([chat.id]);
    const res = await chatRoute.GET(new Request("http://x"), params(chat.id));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.chat.title).toBe("Which valve isolates pump P-101 before maintenance?");
    expect(body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ["user", "Which valve isolates pump P-101 before maintenance?"],
      ["assistant", "V-17 [1]"],
    ]);
    expect(body.messages[1].metadata).toEqual({ citations: [{ n: 1, page: 2 }] });
    // Continuing the chat reuses it.
    expect(chats.openOrStartChat(me, chat.id, "and then?").id).toBe(chat.id);
  });

  test("another user's chat is not found, through the route and the service", async () => {
    const res = await chatRoute.GET(new Request("http://x"), params(otherChatId));
    expect(res.status).toBe(404);
    expect(JSON.stringify(await res.json())).not.toContain("secret question");
    expect(() => chats.openOrStartChat(currentPrincipal(), otherChatId, "q")).toThrow(/not found/i);
    expect(() => chats.addUserMessage(currentPrincipal(), otherChatId, "sneak in")).toThrow(/not found/i);
    expect((await chatRoute.GET(new Request("http://x"), params("nope"))).status).toBe(400);
    const list = await (await listRoute.GET()).json();
    expect(list.chats.some((c: { id: string }) => c.id === otherChatId)).toBe(false);
  });

  test("history keeps answered turns only, so a failed question leaves no dangling user turn", () => {
    const row = (role: "user" | "assistant", content: string) => ({ id: 0, chatId: "c", role, content, metadata: {}, createdAt: "" });
    expect(
      chats.chatHistory([row("user", "q1"), row("assistant", "a1"), row("user", "q2 failed"), row("user", "q3"), row("assistant", "a3"), row("user", "q4")]),
    ).toEqual([
      { role: "user", content: "q1" },
      { role: "assistant", content: "a1" },
      { role: "user", content: "q3" },
      { role: "assistant", content: "a3" },
    ]);
  });

  test("long questions make short titles", () => {
    const title = chats.chatTitle("word ".repeat(40));
    expect(title.length).toBeLessThanOrEqual(81);
    expect(title.endsWith("…")).toBe(true);
  });

  test("requested collections are intersected with readable ones, never widened", () => {
    const me = currentPrincipal();
    expect(resolveCollections(me).sort()).toEqual(["default", "shared"]);
    expect(resolveCollections(me, ["shared", "secret"])).toEqual(["shared"]);
    expect(resolveCollections(me, ["secret"])).toEqual([]);
  });
});
