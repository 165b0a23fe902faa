import { currentPrincipal } from "@/lib/auth";
import { parseWith, route } from "@/lib/http";
import { cancelDownload } from "@/lib/modelManager";
import { modelName } from "../../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

// DELETE → cancels a running download; the partial file stays for a resume.
export const DELETE = route(async (_req: Request, ctx: Ctx) => {
  const name = parseWith(modelName, (await ctx.params).name);
  return Response.json({ download: await cancelDownload(currentPrincipal(), name) });
});
