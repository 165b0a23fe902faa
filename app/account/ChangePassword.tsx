"use client";
import { useState } from "react";

/** Change my password: the current one is checked; my other sessions end. */
export function ChangePassword() {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const input = "rounded border border-stone-300 px-2 py-1 text-sm";
  return (
    <section aria-labelledby="password-h" className="space-y-2">
      <h2 id="password-h" className="text-lg font-semibold">
        Password
      </h2>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const f = new FormData(form);
          const res = await fetch("/api/auth/password", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ current: f.get("current"), next: f.get("next") }),
          });
          if (res.ok) {
            form.reset();
            setMessage({ ok: true, text: "Password changed; your other sessions were logged out." });
          } else {
            const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
            setMessage({ ok: false, text: body.error?.message ?? `HTTP ${res.status}` });
          }
        }}
      >
        <label className="text-sm">
          Current <input name="current" type="password" required autoComplete="current-password" className={input} />
        </label>
        <label className="text-sm">
          New <input name="next" type="password" required minLength={10} autoComplete="new-password" className={input} />
        </label>
        <button type="submit" className="rounded bg-teal-700 px-3 py-1 text-sm font-medium text-white hover:bg-teal-800">
          Change password
        </button>
      </form>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-teal-800" : "text-red-800"}`}>
          {message.text}
        </p>
      )}
    </section>
  );
}
