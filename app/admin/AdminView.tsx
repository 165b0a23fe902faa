"use client";
import { useCallback, useEffect, useState } from "react";

type Role = "owner" | "editor" | "reader";
interface Overview {
  users: { id: string; name: string; isAdmin: boolean; disabled: boolean }[];
  collections: { id: string; name: string }[];
  memberships: { collectionId: string; userId: string; role: Role }[];
}
interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
}

const input = "rounded border border-stone-300 px-2 py-1 text-sm";
const button = "rounded bg-teal-700 px-3 py-1 text-sm font-medium text-white hover:bg-teal-800";

async function send(method: string, url: string, body: unknown): Promise<string | null> {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.ok) return null;
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  return json.error?.message ?? `Request failed (${res.status})`;
}

/** Users, roles, collections and memberships; every change goes through /api/admin (admins only, audited). */
export function AdminView({ selfId }: { selfId: string }) {
  const [data, setData] = useState<Overview | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(
    () =>
      Promise.all([fetch("/api/admin").then((r) => r.json()), fetch("/api/admin/audit").then((r) => r.json())]).then(
        ([o, a]) => {
          setData(o as Overview);
          setAudit(((a as { entries?: AuditEntry[] }).entries ?? []).slice(0, 30));
        },
        (e: Error) => setMessage(`Could not load: ${e.message}`),
      ),
    [],
  );
  useEffect(() => {
    load();
  }, [load]);

  const act = async (p: Promise<string | null>) => {
    const err = await p;
    setMessage(err);
    await load();
  };

  if (!data) return <p className="text-sm text-stone-600">Loading…</p>;
  const name = (id: string | null) => data.users.find((u) => u.id === id)?.name ?? id ?? "operator";
  const roleOf = (c: string, u: string) => data.memberships.find((m) => m.collectionId === c && m.userId === u)?.role ?? "";

  return (
    <div className="space-y-8">
      {message && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-2 text-sm text-red-900">
          {message}
        </p>
      )}
      <section aria-labelledby="users-h" className="space-y-3">
        <h2 id="users-h" className="text-lg font-semibold">
          Users
        </h2>
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            e.currentTarget.reset();
            void act(send("POST", "/api/admin/users", { name: f.get("name"), password: f.get("password"), isAdmin: f.get("isAdmin") === "on" }));
          }}
        >
          <label className="text-sm">
            Name <input name="name" required className={input} />
          </label>
          <label className="text-sm">
            Password <input name="password" type="password" required minLength={10} className={input} autoComplete="new-password" />
          </label>
          <label className="text-sm">
            <input name="isAdmin" type="checkbox" /> admin
          </label>
          <button type="submit" className={button}>
            Add user
          </button>
        </form>
        <table className="w-full text-left text-sm" data-testid="users">
          <thead className="text-stone-600">
            <tr>
              <th className="py-1">User</th>
              <th>Admin</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data.users.map((u) => (
              <tr key={u.id} className="border-t border-stone-100">
                <td className="py-1 font-medium">{u.name}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${u.name} is an admin`}
                    checked={u.isAdmin}
                    disabled={u.id === selfId}
                    onChange={(e) => void act(send("PATCH", `/api/admin/users/${u.id}`, { isAdmin: e.target.checked }))}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    disabled={u.id === selfId}
                    className="text-teal-800 underline disabled:text-stone-400 disabled:no-underline"
                    onClick={() => void act(send("PATCH", `/api/admin/users/${u.id}`, { disabled: !u.disabled }))}
                  >
                    {u.disabled ? "disabled — enable" : "active — disable"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="collections-h" className="space-y-3">
        <h2 id="collections-h" className="text-lg font-semibold">
          Collections and memberships
        </h2>
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            e.currentTarget.reset();
            void act(send("POST", "/api/admin/collections", { id: f.get("id"), name: f.get("name") }));
          }}
        >
          <label className="text-sm">
            Id <input name="id" required pattern="[A-Za-z0-9_\-]{1,64}" className={input} />
          </label>
          <label className="text-sm">
            Name <input name="name" required className={input} />
          </label>
          <button type="submit" className={button}>
            Add collection
          </button>
        </form>
        <div className="overflow-x-auto">
          <table className="text-left text-sm" data-testid="memberships">
            <thead className="text-stone-600">
              <tr>
                <th className="py-1 pr-4">Collection</th>
                {data.users.map((u) => (
                  <th key={u.id} className="pr-4">
                    {u.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.collections.map((c) => (
                <tr key={c.id} className="border-t border-stone-100">
                  <td className="py-1 pr-4 font-medium">
                    {c.name} <span className="text-xs text-stone-500">({c.id})</span>
                  </td>
                  {data.users.map((u) => (
                    <td key={u.id} className="pr-4">
                      <select
                        aria-label={`${u.name}'s role in ${c.name}`}
                        className={input}
                        value={roleOf(c.id, u.id)}
                        onChange={(e) => void act(send("PUT", "/api/admin/memberships", { collectionId: c.id, userId: u.id, role: e.target.value || null }))}
                      >
                        <option value="">—</option>
                        <option value="reader">reader</option>
                        <option value="editor">editor</option>
                        <option value="owner">owner</option>
                      </select>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="audit-h" className="space-y-2">
        <h2 id="audit-h" className="text-lg font-semibold">
          Recent activity
        </h2>
        <ul className="space-y-1 text-xs text-stone-700" data-testid="audit">
          {audit.map((a) => (
            <li key={a.id}>
              <span className="text-stone-500">{a.at.replace("T", " ").slice(0, 19)}</span> {name(a.actor)} · {a.action}
              {a.target ? ` · ${name(a.target)}` : ""}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
