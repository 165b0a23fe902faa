import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeParserPool, parseFile, ParserPool } from "@/ingest/parse";
import { CairnError } from "@/core/errors";
import { makePdf, tempDir } from "./helpers";

// parseFile runs the parser in a child process; these tests make that child hang,
// crash and run out of memory (test-only hooks, honoured only when NODE_ENV=test)
// and check that the caller gets a specific error and the next file still parses.

const tmp = tempDir();
let pdfPath = "";

beforeAll(async () => {
  pdfPath = tmp.write("ok.pdf", await makePdf([["first page"], ["second page"]]));
}, 30_000);
afterEach(() => {
  delete process.env.CAIRN_TEST_PARSE_HOOK;
});
afterAll(async () => {
  await closeParserPool();
  tmp.cleanup();
});

const failure = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CairnError);
  return err as CairnError;
};

async function expectStillWorks() {
  const doc = await parseFile(pdfPath, { declaredName: "ok.pdf" });
  expect(doc.pages.map((p) => p.text.trim())).toEqual(["first page", "second page"]);
}

describe("parseFile (sandboxed)", () => {
  it("parses in the child and returns pages", async () => {
    await expectStillWorks();
  });

  it("passes parser errors through with their reason", async () => {
    const err = await failure(parseFile(tmp.write("empty.docx", ""), { declaredName: "empty.docx" }));
    expect(err.reason).toBe("empty_file");
    expect(err.code).toBe("unprocessable:parse");
  });

  it("reports a missing stored file as an internal error that hides the path from users", async () => {
    const err = await failure(parseFile(`${tmp.dir}/missing.pdf`, { declaredName: "gone.pdf" }));
    expect(err.reason).toBe("file_unreadable");
    expect(err.type).toBe("internal");
    expect(err.userMessage).not.toContain(tmp.dir);
  });

  it("kills a hanging parse after the time limit, and the next parse works", async () => {
    process.env.CAIRN_TEST_PARSE_HOOK = "hang";
    const started = Date.now();
    const err = await failure(parseFile(pdfPath, { declaredName: "hang.pdf", timeoutMs: 1500 }));
    expect(err.reason).toBe("timeout");
    expect(err.message).toMatch(/Reading hang\.pdf took longer than 1\.5 s/);
    expect(Date.now() - started).toBeLessThan(15_000);
    delete process.env.CAIRN_TEST_PARSE_HOOK;
    await expectStillWorks();
  });

  it("reports a crashed parser, and the next parse works", async () => {
    process.env.CAIRN_TEST_PARSE_HOOK = "crash";
    const err = await failure(parseFile(pdfPath, { declaredName: "boom.pdf" }));
    expect(err.reason).toBe("parser_crashed");
    expect(err.message).toMatch(/crashed \(exit code 70\) while reading boom\.pdf/);
    delete process.env.CAIRN_TEST_PARSE_HOOK;
    await expectStillWorks();
  });

  it("stops a parser that runs out of memory, and the next parse works", async () => {
    process.env.CAIRN_TEST_PARSE_HOOK = "oom";
    const err = await failure(parseFile(pdfPath, { declaredName: "hog.pdf", maxMemoryMb: 96, timeoutMs: 20_000 }));
    expect(err.reason).toBe("too_much_memory");
    expect(err.message).toMatch(/memory/);
    delete process.env.CAIRN_TEST_PARSE_HOOK;
    await expectStillWorks();
  });

  it("a pool of two keeps parsing on one child while the other hangs", async () => {
    const pool = new ParserPool(2);
    try {
      const job = { filePath: pdfPath, declaredName: "ok.pdf", maxUnzippedBytes: 2 ** 20, timeoutMs: 20_000, maxMemoryMb: 256 };
      const hung = pool.parse({ ...job, declaredName: "hang.pdf", timeoutMs: 6000, testHook: "hang" });
      let hungSettled = false;
      hung.then(
        () => (hungSettled = true),
        () => (hungSettled = true),
      );
      const ok = await Promise.all([pool.parse(job), pool.parse(job), pool.parse(job)]);
      expect(ok.map((d) => d.pageCount)).toEqual([2, 2, 2]);
      expect(hungSettled).toBe(false); // served by the other child, not after the timeout
      expect((await failure(hung)).reason).toBe("timeout");
    } finally {
      await pool.close();
    }
  });

  it("queues concurrent calls on the pool", async () => {
    const docs = await Promise.all([1, 2, 3].map(() => parseFile(pdfPath, { declaredName: "ok.pdf" })));
    expect(docs.map((d) => d.pageCount)).toEqual([2, 2, 2]);
  });
});
