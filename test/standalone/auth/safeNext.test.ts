import { expect, test } from "vitest";
import { safeNext } from "@/app/login/safeNext";

test("after login, ?next= goes only to a path on this site", () => {
  expect(safeNext("/library?x=1")).toBe("/library?x=1");
  expect(safeNext(["/view/abc", "/admin"])).toBe("/view/abc");
  for (const evil of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "/\t/evil.example", "/x\\y", "", undefined]) {
    expect(safeNext(evil), String(evil)).toBe("/");
  }
});
