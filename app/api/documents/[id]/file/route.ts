import fs from "node:fs";
import { Readable } from "node:stream";
import { currentPrincipal } from "@/lib/auth";
import { CairnError } from "@/core/errors";
import { route, parseWith } from "@/lib/http";
import { documentFilePath } from "@/lib/library";
import { documentId } from "../../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const mimeByKind: Record<string, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  txt: "text/plain; charset=utf-8",
  markdown: "text/plain; charset=utf-8",
  html: "text/plain; charset=utf-8",
};

export const GET = route(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseWith(documentId, (await ctx.params).id);
  const { path, document } = documentFilePath(currentPrincipal(), id);
  if (!fs.existsSync(path)) throw new CairnError("not_found:document", "The stored file for this document is missing.");
  const body = Readable.toWeb(fs.createReadStream(path)) as unknown as ReadableStream;
  return new Response(body, {
    headers: {
      // HTML is served as text: an uploaded page must never run scripts in Cairn's origin.
      "content-type": mimeByKind[document.kind ?? ""] ?? "application/octet-stream",
      "content-disposition": `inline; filename*=UTF-8''${encodeURIComponent(document.name)}`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "cache-control": "private, max-age=3600",
    },
  });
});
