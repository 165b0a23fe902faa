"use client";
import { useRef } from "react";

// The Ask / Search passages switch as ARIA tabs: one tab stop (roving tabindex), Left/Right
// move to the neighbouring tab (wrapping), Home/End to the first/last, and moving selects.

export type Mode = "ask" | "search";

export const MODES: readonly { id: Mode; label: string }[] = [
  { id: "ask", label: "Ask" },
  { id: "search", label: "Search passages" },
];

export const tabId = (m: Mode) => `mode-tab-${m}`;
export const panelId = (m: Mode) => `mode-panel-${m}`;

interface Props {
  mode: Mode;
  /** `byKeyboard`: the tab was reached with the arrow keys (focus stays on the tab). */
  onChange: (mode: Mode, how: { byKeyboard: boolean }) => void;
}

export function ModeTabs({ mode, onChange }: Props) {
  const tabs = useRef(new Map<Mode, HTMLButtonElement>());

  function onKeyDown(e: React.KeyboardEvent, from: Mode) {
    const i = MODES.findIndex((m) => m.id === from);
    const last = MODES.length - 1;
    const next = { ArrowRight: i === last ? 0 : i + 1, ArrowLeft: i === 0 ? last : i - 1, Home: 0, End: last }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const to = MODES[next].id;
    tabs.current.get(to)?.focus();
    if (to !== mode) onChange(to, { byKeyboard: true });
  }

  return (
    <div role="tablist" aria-label="Mode" className="inline-flex rounded border border-stone-300 bg-white p-0.5 text-sm">
      {MODES.map(({ id, label }) => (
        <button
          key={id}
          ref={(el) => {
            if (el) tabs.current.set(id, el);
            else tabs.current.delete(id);
          }}
          id={tabId(id)}
          role="tab"
          type="button"
          aria-selected={mode === id}
          aria-controls={panelId(id)}
          tabIndex={mode === id ? 0 : -1}
          onClick={() => onChange(id, { byKeyboard: false })}
          onKeyDown={(e) => onKeyDown(e, id)}
          className={`rounded px-3 py-1 focus:outline-none focus:ring-2 focus:ring-teal-700 focus:ring-offset-1 ${mode === id ? "bg-teal-700 text-white" : "text-stone-700 hover:bg-stone-100"}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
