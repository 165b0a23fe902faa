import { Parser } from "htmlparser2";
import type { ParsedDocument, Section } from "../types";
import { assertHasText } from "./text";
import { sectionsFromHeadings, type Heading } from "./markdown";

// HTML → readable text with htmlparser2: scripts and styles dropped, block elements
// on their own lines, h1..h6 turned into sections. DOCX goes through here too
// (mammoth converts it to HTML first).

const skipped = new Set(["script", "style", "noscript", "template", "svg", "math", "iframe", "object", "head", "select"]);
/** Elements that end a paragraph: a blank line before and after. */
const blocks = new Set([
  "p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "blockquote", "pre",
  "table", "ul", "ol", "dl", "figure", "figcaption", "form", "fieldset", "address", "details", "summary",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "body", "html",
]);
/** Elements that start a new line without a blank line. */
const lines = new Set(["li", "tr", "dt", "dd", "br", "caption", "option"]);
const cells = new Set(["td", "th"]);

export interface HtmlText {
  text: string;
  sections: Section[];
  title?: string;
}

export function htmlToText(html: string): HtmlText {
  let out = "";
  let pendingBreak = 0; // 0 none, 1 newline, 2 blank line
  let pendingSpace = false;
  let skipDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  let title = "";
  let heading: { level: number; start: number } | undefined;
  const headings: Heading[] = [];

  // Table cells stay on their row's line, separated by tabs; blocks inside a cell
  // (mammoth wraps cell text in <p>) only add a space.
  let cellDepth = 0;
  let cellIndex = 0;
  let pendingCell = false;
  const requestBreak = (n: number) => {
    if (cellDepth > 0) {
      pendingSpace = true;
      return;
    }
    pendingBreak = Math.max(pendingBreak, n);
    pendingSpace = false;
    pendingCell = false;
  };
  const emit = (s: string) => {
    if (!s) return;
    if (out.length > 0) {
      if (pendingBreak) out += pendingBreak === 2 ? "\n\n" : "\n";
      else if (pendingCell) out += "\t";
      else if (pendingSpace && !out.endsWith("\n")) out += " ";
    }
    pendingBreak = 0;
    pendingSpace = false;
    pendingCell = false;
    out += s;
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === "title") inTitle = true;
        if (skipped.has(name)) {
          skipDepth++;
          return;
        }
        if (skipDepth) return;
        if (name === "pre") preDepth++;
        if (blocks.has(name)) requestBreak(2);
        else if (lines.has(name)) requestBreak(1);
        if (name === "tr") cellIndex = 0;
        if (cells.has(name)) {
          if (cellIndex++ > 0 && cellDepth === 0) pendingCell = true;
          cellDepth++;
        }
        if (/^h[1-6]$/.test(name)) heading = { level: Number(name[1]), start: -1 };
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
        if (skipped.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth) return;
        if (name === "pre") preDepth = Math.max(0, preDepth - 1);
        if (cells.has(name)) cellDepth = Math.max(0, cellDepth - 1);
        if (/^h[1-6]$/.test(name) && heading) {
          if (heading.start >= 0) {
            const title = out.slice(heading.start).replace(/\s+/g, " ").trim();
            headings.push({ level: heading.level, title, start: heading.start });
          }
          heading = undefined;
        }
        if (blocks.has(name)) requestBreak(2);
        else if (lines.has(name) && name !== "br") requestBreak(1);
      },
      ontext(data) {
        if (inTitle) title += data;
        if (skipDepth) return;
        let s = data;
        if (!preDepth) {
          const leading = /^\s/.test(s);
          const trailing = /\s$/.test(s);
          s = s.replace(/\s+/g, " ").trim();
          if (!s) {
            if (leading || trailing) pendingSpace = true;
            return;
          }
          if (leading) pendingSpace = true;
          emit(s);
          if (trailing) pendingSpace = true;
        } else {
          emit(s);
        }
        if (heading && heading.start < 0) heading.start = out.length - s.length;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  const cleanTitle = title.replace(/\s+/g, " ").trim();
  return { text: out, sections: sectionsFromHeadings(headings, out.length), title: cleanTitle || undefined };
}

export function parseHtml(html: string, name: string): ParsedDocument {
  const { text, sections, title } = htmlToText(html);
  assertHasText(text, name);
  return {
    kind: "html",
    title,
    pageCount: 1,
    pages: [{ number: null, text, sections }],
    pagesWithoutText: [],
    warnings: [],
  };
}
