import { currentPrincipal } from "@/lib/auth";
import { parseWith, route } from "@/lib/http";
import { removeModel } from "@/lib/modelManager";
import { modelName } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ name: string }> };

// DELETE → removes an installed model (and any partial download of it) from the models dir.
export const DELETE = route(async (_req: Request, ctx: Ctx) => {
  const name = parseWith(modelName, (await ctx.params).name);
  await removeModel(currentPrincipal(), name);
  return new Response(null, { status: 204 });
});
