import { describe, expect, test, vi } from "vitest";
import { CairnError, isCairnError } from "../../../core/errors";
import { ApiParamError } from "../../../lib/openaiApi";

describe("CairnError across module copies", () => {
  test("an error made by another copy of core/errors (another Next.js bundle) is still a CairnError, with its status", async () => {
    vi.resetModules();
    const other = (await import("../../../core/errors")) as typeof import("../../../core/errors");
    expect(other.CairnError).not.toBe(CairnError);
    const e = new other.CairnError("payload_too_large:model", "Text 1 is 4000 tokens.", { reason: "input_too_long" });
    expect(e instanceof CairnError).toBe(true);
    expect(isCairnError(e)).toBe(true);
    expect(isCairnError(new Error("plain"))).toBe(false);
    expect(isCairnError({ type: "payload_too_large" })).toBe(false);
  });

  test("a subclass's instanceof still means that subclass", () => {
    const base = new CairnError("bad_request:api", "bad");
    expect(base instanceof ApiParamError).toBe(false);
    expect(new ApiParamError("input", "bad input", "invalid_input") instanceof CairnError).toBe(true);
  });
});
