"use client";
import { useCallback, useState } from "react";
import type { ChatRow } from "./types";

/** The signed-in user's chats, newest first, as the chat list shows them. */
export function useChatList() {
  const [chats, setChats] = useState<ChatRow[]>([]);
  const refresh = useCallback(async () => {
    const res = await fetch("/api/chats", { cache: "no-store" });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
    setChats(body.chats);
  }, []);
  return { chats, refresh };
}
