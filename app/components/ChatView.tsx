"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { AnswerText } from "./AnswerText";
import { ChatList } from "./ChatList";
import { QuestionBox } from "./QuestionBox";
import { SearchPanel } from "./SearchPanel";
import { SourcesPanel } from "./SourcesPanel";
import { StatusBanners, useSystemStatus } from "./SystemStatus";
import type { AnswerDone, ChatRow, UiMessage } from "./types";
import { readSse } from "./utils/readSse";

// The home page: ask (streamed answer, citation chips, sources) or search passages instantly.

type Mode = "ask" | "search";
type Phase = "idle" | "sending" | "loading_model" | "answering";

let keySeq = 0;
const newKey = () => `m${++keySeq}`;

export function ChatView() {
  const status = useSystemStatus();
  const [mode, setMode] = useState<Mode>("ask");
  const [chats, setChats] = useState<ChatRow[]>([]);
  const [chatId, setChatId] = useState<string | null>(null);
  const [messages, setMessages] = useState<UiMessage[]>([]);
  const [phase, setPhase] = useState<Phase>("idle");
  const [selected, setSelected] = useState<{ key: string; n: number | null } | null>(null);
  const [searchQuery, setSearchQuery] = useState("");
  const [pageError, setPageError] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const endRef = useRef<HTMLDivElement>(null);

  const refreshChats = useCallback(async () => {
    const res = await fetch("/api/chats", { cache: "no-store" });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
    setChats(body.chats);
  }, []);

  const openChat = useCallback(async (id: string) => {
    abortRef.current?.abort();
    try {
      const res = await fetch(`/api/chats/${encodeURIComponent(id)}`, { cache: "no-store" });
      const body = await res.json();
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      const loaded: UiMessage[] = body.messages.map((m: { role: "user" | "assistant"; content: string; metadata: unknown }) => ({
        key: newKey(),
        role: m.role,
        content: m.content,
        result: m.role === "assistant" && m.metadata && typeof m.metadata === "object" && "sources" in m.metadata ? (m.metadata as AnswerDone) : undefined,
      }));
      setChatId(id);
      setMessages(loaded);
      setSelected(null);
      setPageError(null);
      history.replaceState(null, "", `/?chat=${encodeURIComponent(id)}`);
    } catch (e) {
      setPageError(`Could not open the chat: ${(e as Error).message}`);
    }
  }, []);

  useEffect(() => {
    refreshChats().catch((e) => setPageError(`Could not load your chats: ${(e as Error).message}`));
    const id = new URLSearchParams(location.search).get("chat");
    if (id) openChat(id);
  }, [refreshChats, openChat]);

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  function newChat() {
    abortRef.current?.abort();
    setChatId(null);
    setMessages([]);
    setSelected(null);
    history.replaceState(null, "", "/");
  }

  const patch = (key: string, f: (m: UiMessage) => UiMessage) => setMessages((ms) => ms.map((m) => (m.key === key ? f(m) : m)));

  async function ask(question: string) {
    const answerKey = newKey();
    setMessages((ms) => [...ms, { key: newKey(), role: "user", content: question }, { key: answerKey, role: "assistant", content: "", streaming: true }]);
    setSelected({ key: answerKey, n: null });
    setPhase("sending");
    const ctl = new AbortController();
    abortRef.current = ctl;
    try {
      const res = await fetch("/api/ask", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question, ...(chatId ? { chatId } : {}) }),
        signal: ctl.signal,
      });
      if (!res.ok || !res.body) {
        const body = await res.json().catch(() => ({}));
        throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      }
      await readSse(res.body, (type, data) => {
        const d = data as Record<string, unknown>;
        if (type === "chat") {
          setChatId(d.chatId as string);
          history.replaceState(null, "", `/?chat=${encodeURIComponent(d.chatId as string)}`);
          refreshChats().catch(() => undefined);
        } else if (type === "status") setPhase(d.stage as Phase);
        else if (type === "token") patch(answerKey, (m) => ({ ...m, content: m.content + (d.text as string) }));
        else if (type === "done") {
          const result = d.result as AnswerDone;
          patch(answerKey, (m) => ({ ...m, content: result.answer, result, streaming: false }));
        } else if (type === "error") {
          const err = d.error as { message: string };
          patch(answerKey, (m) => ({ ...m, streaming: false, error: err.message }));
        }
      });
      patch(answerKey, (m) => (m.streaming ? { ...m, streaming: false, error: m.error ?? "The answer stopped before it finished." } : m));
    } catch (e) {
      const stopped = ctl.signal.aborted;
      patch(answerKey, (m) => ({ ...m, streaming: false, error: stopped ? "Stopped." : `The question could not be sent: ${(e as Error).message}` }));
    } finally {
      if (abortRef.current === ctl) abortRef.current = null;
      setPhase("idle");
    }
  }

  const busy = phase !== "idle";
  const shown = messages.find((m) => m.key === selected?.key) ?? [...messages].reverse().find((m) => m.role === "assistant");

  return (
    <div className="grid gap-4 md:grid-cols-[11rem_minmax(0,1fr)] xl:grid-cols-[12rem_minmax(0,1fr)_22rem]">
      <aside className="md:row-span-2 xl:row-span-1">
        <ChatList chats={chats} current={chatId} onOpen={openChat} onNew={newChat} />
      </aside>

      <section className="min-w-0 space-y-4" aria-label={mode === "ask" ? "Conversation" : "Passage search"}>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h1 className="text-2xl font-semibold">Ask your documents</h1>
          <div role="tablist" aria-label="Mode" className="inline-flex rounded border border-stone-300 bg-white p-0.5 text-sm">
            {(["ask", "search"] as const).map((m) => (
              <button
                key={m}
                role="tab"
                type="button"
                aria-selected={mode === m}
                onClick={() => setMode(m)}
                className={`rounded px-3 py-1 focus:outline-none focus:ring-2 focus:ring-teal-700 ${mode === m ? "bg-teal-700 text-white" : "text-stone-700 hover:bg-stone-100"}`}
              >
                {m === "ask" ? "Ask" : "Search passages"}
              </button>
            ))}
          </div>
        </div>
        <StatusBanners status={status} />
        {pageError && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">{pageError}</p>}

        {mode === "ask" ? (
          <>
            <div className="space-y-4" aria-live="polite" data-testid="conversation">
              {messages.length === 0 && (
                <p className="text-stone-600">Ask about anything in your library. Answers quote the exact page; sentences without a source are marked.</p>
              )}
              {messages.map((m) =>
                m.role === "user" ? (
                  <div key={m.key} className="ml-auto max-w-[85%] whitespace-pre-wrap rounded-lg bg-teal-700 px-3 py-2 text-white">
                    {m.content}
                  </div>
                ) : (
                  <article
                    key={m.key}
                    data-testid="answer"
                    aria-busy={m.streaming}
                    className={`rounded-lg border bg-white px-3 py-2 ${selected?.key === m.key ? "border-teal-600" : "border-stone-200"}`}
                    onFocus={() => setSelected((s) => (s?.key === m.key ? s : { key: m.key, n: null }))}
                  >
                    {m.streaming && m.content === "" && (
                      <p className="text-sm text-stone-500" data-testid="phase">
                        {phase === "loading_model" ? "Loading the language model (first question after a start)…" : "Searching your documents…"}
                      </p>
                    )}
                    <AnswerText
                      message={m}
                      citedNumbers={new Set(m.result?.citations.map((c) => c.n) ?? [])}
                      onCite={(n) => setSelected({ key: m.key, n })}
                    />
                    {m.error && (
                      <p role="alert" className="mt-2 rounded bg-red-50 px-2 py-1 text-sm text-red-800">
                        {m.error}
                      </p>
                    )}
                    {m.result && !m.streaming && (
                      <button
                        type="button"
                        onClick={() => setSelected({ key: m.key, n: null })}
                        className="mt-2 text-xs text-stone-600 underline underline-offset-2 focus:outline-none focus:ring-2 focus:ring-teal-700 xl:hidden"
                      >
                        Show {m.result.sources.length} source{m.result.sources.length === 1 ? "" : "s"}
                      </button>
                    )}
                  </article>
                ),
              )}
              <div ref={endRef} />
            </div>
            <QuestionBox busy={busy} onAsk={ask} onStop={() => abortRef.current?.abort()} />
          </>
        ) : (
          <>
            <label className="block">
              <span className="sr-only">Search passages</span>
              <input
                type="search"
                autoFocus
                value={searchQuery}
                onChange={(e) => setSearchQuery(e.target.value)}
                placeholder="e.g. isolation valve P-101"
                maxLength={500}
                className="w-full rounded border border-stone-300 bg-white px-3 py-2 focus:outline-none focus:ring-2 focus:ring-teal-700"
              />
            </label>
            <SearchPanel query={searchQuery} />
          </>
        )}
      </section>

      {mode === "ask" && (
        <aside aria-label="Sources" className="min-w-0 md:col-start-2 xl:col-start-auto">
          <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-stone-600">Sources</h2>
          <SourcesPanel message={shown} selected={shown && selected?.key === shown.key ? selected.n : null} />
        </aside>
      )}
    </div>
  );
}
