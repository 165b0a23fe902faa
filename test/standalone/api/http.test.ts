import { afterEach, describe, expect, test, vi } from "vitest";
import { CairnError } from "@/core/errors";
import { errorResponse, route, toClientError } from "@/lib/http";

afterEach(() => vi.restoreAllMocks());

describe("toClientError", () => {
  test("a CairnError the user may see passes as it is, unlogged", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const e = new CairnError("bad_request:upload", '"x.pdf" is empty (0 bytes); there is nothing to index.', { reason: "empty" });
    expect(toClientError(e, "upload")).toBe(e);
    expect(toClientError(e).toJSON()).toEqual({ code: "bad_request:upload", message: e.message, reason: "empty" });
    expect(log).not.toHaveBeenCalled();
  });

  test("a filesystem or SQLite error is logged and reaches the client only as a generic internal error", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const fsError = Object.assign(new Error("EACCES: permission denied, open '/srv/cairn/data/files/ab12'"), { code: "EACCES" });
    const err = toClientError(fsError, "upload");
    expect(err.code).toBe("internal:upload");
    expect(err.status).toBe(500);
    expect(JSON.stringify(err.toJSON())).not.toMatch(/EACCES|\/srv/);
    expect(err.toJSON()).toEqual({ code: "internal:upload", message: "Something went wrong on the server." });
    expect(log).toHaveBeenCalledWith(fsError);
  });

  test("an internal CairnError is logged and shown generically", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const e = new CairnError("internal:database", "SQLITE_CORRUPT at /srv/cairn/data/cairn.db");
    expect(toClientError(e).toJSON().message).toBe("Something went wrong on the server.");
    expect(log).toHaveBeenCalledWith(e);
  });
});

describe("route handlers", () => {
  test("a thrown CairnError becomes its status and message; anything else a logged 500 without details", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const notFound = await route(async () => {
      throw new CairnError("not_found:document", "Document not found.");
    })();
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: { code: "not_found:document", message: "Document not found." } });

    const crash = errorResponse(new TypeError("Cannot read properties of undefined (reading 'sha256')"));
    expect(crash.status).toBe(500);
    expect(await crash.json()).toEqual({ error: { code: "internal:api", message: "Something went wrong on the server." } });
  });
});
