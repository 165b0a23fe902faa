import { currentPrincipal } from "@/lib/auth";
import { listUserChats } from "@/lib/chats";
import { route } from "@/lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async () => Response.json({ chats: listUserChats(currentPrincipal()) }));
