import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { CairnError } from "@/core/errors";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// pdf.js' worker, CMaps, standard fonts and wasm decoders, served from our own origin
// straight out of the installed pdfjs-dist (same version as the page's pdf.js): no CDN.
const ALLOWED = /^(build\/pdf\.worker\.min\.mjs|(cmaps|standard_fonts|wasm|iccs)\/[A-Za-z0-9][A-Za-z0-9._-]*)$/;

const types: Record<string, string> = {
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".bcmap": "application/octet-stream",
  ".pfb": "application/octet-stream",
  ".ttf": "font/ttf",
  ".icc": "application/vnd.iccprofile",
};

const pdfjsDir = () => path.join(/*turbopackIgnore: true*/ process.cwd(), "node_modules", "pdfjs-dist");

export const GET = route(async (_req: Request, ctx: { params: Promise<{ file: string[] }> }) => {
  const rel = (await ctx.params).file.join("/");
  if (!ALLOWED.test(rel)) throw new CairnError("not_found:api", "No such pdf.js file.");
  const file = path.join(pdfjsDir(), rel);
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new CairnError("not_found:api", "No such pdf.js file.");
  const body = Readable.toWeb(fs.createReadStream(file)) as unknown as ReadableStream;
  return new Response(body, {
    headers: {
      "content-type": types[path.extname(file)] ?? "application/octet-stream",
      "content-length": String(st.size),
      "cache-control": "public, max-age=86400",
      "x-content-type-options": "nosniff",
    },
  });
});
