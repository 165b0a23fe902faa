import { currentPrincipal } from "@/lib/auth";
import { config } from "@/core/config";
import { parseWith, route, toClientError } from "@/lib/http";
import { addUploadedFile, listLibrary } from "@/lib/library";
import { receiveUpload } from "@/lib/upload";
import { uploadQuery } from "./schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json({ documents: listLibrary(currentPrincipal()) }));

export const POST = route(async (request: Request) => {
  const principal = currentPrincipal();
  const { collection } = parseWith(uploadQuery, Object.fromEntries(new URL(request.url).searchParams));
  const files = await receiveUpload(request, { maxBytes: config().maxUploadBytes });
  const results = [];
  for (const file of files) {
    try {
      const { document, duplicate } = addUploadedFile(principal, collection, file);
      results.push({ name: file.name, document, duplicate });
    } catch (e) {
      // One bad file in a batch must not lose the others: report it beside them.
      results.push({ name: file.name, error: toClientError(e, "upload").toJSON() });
    }
  }
  const status = results.every((r) => "error" in r) ? 400 : 202;
  return Response.json({ results }, { status });
});
