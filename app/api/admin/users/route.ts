import { currentPrincipal } from "@/lib/auth";
import { adminCreateUser } from "@/lib/accounts";
import { parseJsonBody, route } from "@/lib/http";
import { createUserBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(async (request: Request) => {
  const body = await parseJsonBody(request, createUserBody, 4096);
  return Response.json({ user: await adminCreateUser(currentPrincipal(), body) }, { status: 201 });
});
