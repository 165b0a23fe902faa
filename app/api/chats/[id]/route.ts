import { currentPrincipal } from "@/lib/auth";
import { getUserChat } from "@/lib/chats";
import { parseWith, route } from "@/lib/http";
import { chatId } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Another user's chat is a 404, like one that does not exist.
export const GET = route(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseWith(chatId, (await ctx.params).id);
  return Response.json(getUserChat(currentPrincipal(), id));
});
