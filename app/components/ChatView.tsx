"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { ChatList } from "./ChatList";
import { CollectionPicker } from "./CollectionPicker";
import { AnswerAnnouncer, Conversation } from "./Conversation";
import { ModeTabs, panelId, tabId, type Mode } from "./ModeTabs";
import { QuestionBox } from "./QuestionBox";
import { SearchPanel } from "./SearchPanel";
import { SourcesPanel } from "./SourcesPanel";
import { StatusBanners, useSystemStatus } from "./SystemStatus";
import { useAnswerStream } from "./useAnswerStream";
import { useChatList } from "./useChatList";
import { useMe } from "./useMe";

// The home page: ask (streamed answer, citation chips, sources) or search passages instantly.
// Both tab panels stay mounted (the inactive one hidden), so each keeps what was typed into it.

export function ChatView() {
  const status = useSystemStatus();
  const { chats, refresh: refreshChats } = useChatList();
  const chat = useAnswerStream({ onChatStarted: () => refreshChats().catch(() => undefined) });
  const { openChat } = chat;
  const [mode, setMode] = useState<Mode>("ask");
  const me = useMe();
  const [collection, setCollection] = useState("");
  const [searchQuery, setSearchQuery] = useState("");
  const [pageError, setPageError] = useState<string | null>(null);
  const questionRef = useRef<HTMLTextAreaElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  // A tab chosen by pointer puts the cursor in its panel's box; by arrow keys, focus stays on the tab.
  const focusPanel = useRef(false);

  const open = useCallback(
    (id: string) =>
      openChat(id).then(
        () => setPageError(null),
        (e) => setPageError(`Could not open the chat: ${(e as Error).message}`),
      ),
    [openChat],
  );

  // On arrival: the chat list, and the chat named in the address (/?chat=…).
  useEffect(() => {
    refreshChats().catch((e) => setPageError(`Could not load your chats: ${(e as Error).message}`));
    const id = new URLSearchParams(location.search).get("chat");
    if (id) open(id);
  }, [refreshChats, open]);

  useEffect(() => {
    if (!focusPanel.current) return;
    focusPanel.current = false;
    (mode === "ask" ? questionRef : searchRef).current?.focus();
  }, [mode]);

  const shown = chat.messages.find((m) => m.key === chat.selected?.key) ?? [...chat.messages].reverse().find((m) => m.role === "assistant");

  return (
    <div className="grid gap-4 md:grid-cols-[11rem_minmax(0,1fr)] xl:grid-cols-[12rem_minmax(0,1fr)_22rem]">
      <aside className="md:row-span-2 xl:row-span-1">
        <ChatList chats={chats} current={chat.chatId} onOpen={open} onNew={chat.newChat} />
      </aside>

      <section className="min-w-0 space-y-4" aria-labelledby="home-heading">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h1 id="home-heading" className="text-2xl font-semibold">
            Ask your documents
          </h1>
          <ModeTabs
            mode={mode}
            onChange={(m, { byKeyboard }) => {
              focusPanel.current = !byKeyboard;
              setMode(m);
            }}
          />
        </div>
        <StatusBanners status={status} />
        <CollectionPicker collections={me?.collections ?? []} value={collection} onChange={setCollection} label="Collection" />
        {pageError && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">{pageError}</p>}
        <AnswerAnnouncer text={chat.announcement} />

        <div role="tabpanel" id={panelId("ask")} aria-labelledby={tabId("ask")} hidden={mode !== "ask"} className="space-y-4">
          <Conversation
            messages={chat.messages}
            phase={chat.phase}
            progress={chat.progress}
            selected={chat.selected}
            onSelect={chat.select}
            onFocusAnswer={chat.focusAnswer}
            onWiden={(q) => chat.ask(q, collection ? [collection] : undefined, { widen: true })}
          />
          <QuestionBox busy={chat.busy} onAsk={(q) => chat.ask(q, collection ? [collection] : undefined)} onStop={chat.stop} inputRef={questionRef} />
        </div>
        <div role="tabpanel" id={panelId("search")} aria-labelledby={tabId("search")} hidden={mode !== "search"} className="space-y-4">
          <SearchPanel query={searchQuery} onQueryChange={setSearchQuery} inputRef={searchRef} collection={collection || undefined} />
        </div>
      </section>

      {mode === "ask" && (
        <aside aria-label="Sources" className="min-w-0 md:col-start-2 xl:col-start-auto">
          <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-stone-600">Sources</h2>
          <SourcesPanel message={shown} selected={shown && chat.selected?.key === shown.key ? chat.selected.n : null} />
        </aside>
      )}
    </div>
  );
}
