import { currentPrincipal } from "@/lib/auth";
import { parseJsonBody, route } from "@/lib/http";
import { selectModel } from "@/lib/modelManager";
import { modelsOverview } from "@/lib/modelsOverview";
import { selectBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST { role, name } → the overview with the new choice active (takes effect without a restart).
export const POST = route(async (request: Request) => {
  const { role, name } = await parseJsonBody(request, selectBody);
  const principal = currentPrincipal();
  await selectModel(principal, role, name);
  return Response.json(modelsOverview(principal));
});
