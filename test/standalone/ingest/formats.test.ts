import { describe, expect, it } from "vitest";
import { parseBytes } from "@/ingest/parse/parseDocument";
import { CairnError } from "@/core/errors";

const limits = { maxUnzippedBytes: 50 * 2 ** 20 };
const parse = (s: string | Uint8Array, name: string) => parseBytes(typeof s === "string" ? new TextEncoder().encode(s) : s, name, limits);

describe("TXT", () => {
  it("keeps the text exactly, without the BOM, as one page without a number", async () => {
    const text = "Line one\r\nLine two\n\n  indented\tand tabbed";
    const doc = await parse(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]), "n.txt");
    expect(doc.kind).toBe("txt");
    expect(doc.pages).toEqual([{ number: null, text, sections: [{ headingPath: [], start: 0, end: text.length }] }]);
  });

  it("decodes UTF-16 with a BOM", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Grüße", "utf16le")]);
    expect((await parse(new Uint8Array(utf16), "n.txt")).pages[0].text).toBe("Grüße");
  });

  it("refuses whitespace-only text with no_text", async () => {
    const err = await parse("  \n\t\n", "blank.txt").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CairnError);
    expect((err as CairnError).reason).toBe("no_text");
  });
});

describe("Markdown", () => {
  const md = [
    "Preface text.",
    "",
    "# Pump manual",
    "Intro.",
    "",
    "## Safety",
    "Wear gloves.",
    "",
    "```",
    "# not a heading (code)",
    "```",
    "",
    "### Isolation ###",
    "Close valve V-1.",
    "",
    "Maintenance",
    "===========",
    "Monthly.",
    "",
    "Checks",
    "------",
    "Weekly.",
  ].join("\n");

  it("keeps the source as-is and turns headings into sections with heading paths", async () => {
    const doc = await parse(md, "manual.md");
    expect(doc.kind).toBe("markdown");
    expect(doc.title).toBe("Pump manual");
    const page = doc.pages[0];
    expect(page.text).toBe(md);
    const paths = page.sections.map((s) => s.headingPath.join(" > "));
    expect(paths).toEqual(["", "Pump manual", "Pump manual > Safety", "Pump manual > Safety > Isolation", "Maintenance", "Maintenance > Checks"]);
    const iso = page.sections[3];
    expect(page.text.slice(iso.start, iso.end)).toBe("### Isolation ###\nClose valve V-1.\n\n");
    // Sections tile the page.
    for (let i = 1; i < page.sections.length; i++) expect(page.sections[i].start).toBe(page.sections[i - 1].end);
    expect(page.sections.at(-1)?.end).toBe(md.length);
  });
});

describe("HTML", () => {
  const html = `<!doctype html><html><head><title>Field guide</title><style>p{color:red}</style>
    <script>alert("x")</script></head><body>
    <h1>Pumps</h1><p>All pumps   need <b>care</b>.</p>
    <h2>P-101 &amp; P-102</h2><ul><li>Close valve</li><li>Lock out</li></ul>
    <table><tr><th>Step</th><th>Who</th></tr><tr><td><p>Drain</p></td><td>Operator</td></tr></table>
    <noscript>enable js</noscript><h2>Restart</h2><p>Open valve.</p></body></html>`;

  it("drops script/style, keeps blocks on their own lines and headings as sections", async () => {
    const doc = await parse(html, "guide.html");
    expect(doc.kind).toBe("html");
    expect(doc.title).toBe("Field guide");
    const page = doc.pages[0];
    expect(page.text).toBe(
      "Pumps\n\nAll pumps need care.\n\nP-101 & P-102\n\nClose valve\nLock out\n\nStep\tWho\nDrain\tOperator\n\nRestart\n\nOpen valve.",
    );
    expect(page.text).not.toMatch(/alert|color|enable js/);
    const bySection = page.sections.map((s) => [s.headingPath.join(" > "), page.text.slice(s.start, s.end).split("\n")[0]]);
    expect(bySection).toEqual([
      ["Pumps", "Pumps"],
      ["Pumps > P-101 & P-102", "P-101 & P-102"],
      ["Pumps > Restart", "Restart"],
    ]);
  });

  it("refuses HTML with no visible text", async () => {
    const err = await parse("<html><script>var a=1</script></html>", "x.html").catch((e: unknown) => e);
    expect((err as CairnError).reason).toBe("no_text");
  });
});
