"use client";
import type { ChatRow } from "./types";

export function ChatList({ chats, current, onOpen, onNew }: { chats: ChatRow[]; current: string | null; onOpen: (id: string) => void; onNew: () => void }) {
  return (
    <nav aria-label="Chats" className="space-y-2">
      <button
        type="button"
        onClick={onNew}
        className="w-full rounded border border-teal-700 px-3 py-1.5 text-sm text-teal-800 hover:bg-teal-50 focus:outline-none focus:ring-2 focus:ring-teal-700"
      >
        New chat
      </button>
      {chats.length === 0 ? (
        <p className="text-xs text-stone-500">Your chats appear here.</p>
      ) : (
        <ul className="space-y-1" data-testid="chat-list">
          {chats.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                onClick={() => onOpen(c.id)}
                aria-current={c.id === current ? "page" : undefined}
                className={`w-full truncate rounded px-2 py-1 text-left text-sm focus:outline-none focus:ring-2 focus:ring-teal-700 ${
                  c.id === current ? "bg-teal-50 font-medium text-teal-900" : "text-stone-700 hover:bg-stone-100"
                }`}
                title={c.title}
              >
                {c.title}
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
