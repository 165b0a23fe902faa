import { currentPrincipal } from "@/lib/auth";
import { adminSetMembership } from "@/lib/accounts";
import { parseJsonBody, route } from "@/lib/http";
import { membershipBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// PUT /api/admin/memberships {collectionId, userId, role} sets a role; role null removes it.
export const PUT = route(async (request: Request) => {
  const { collectionId, userId, role } = await parseJsonBody(request, membershipBody, 4096);
  adminSetMembership(currentPrincipal(), collectionId, userId, role);
  return new Response(null, { status: 204 });
});
