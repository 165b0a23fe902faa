"use client";
import { useCallback, useEffect, useState } from "react";

interface ApiKey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The caller's API keys: create one (shown once), see when each was last used, revoke. */
export function ApiKeys() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [fresh, setFresh] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      fetch("/api/auth/keys", { cache: "no-store" })
        .then((r) => r.json())
        .then(
          (b: { keys: ApiKey[] }) => setKeys(b.keys),
          (e: Error) => setError(e.message),
        ),
    [],
  );
  useEffect(() => {
    load();
  }, [load]);

  const create = async (name: string) => {
    const res = await fetch("/api/auth/keys", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
    const body = await res.json();
    if (!res.ok) return setError(body.error?.message ?? `HTTP ${res.status}`);
    setError(null);
    setFresh(body.key);
    await load();
  };
  const revoke = async (id: string) => {
    const res = await fetch(`/api/auth/keys/${id}`, { method: "DELETE" });
    if (!res.ok) setError(((await res.json()) as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`);
    await load();
  };

  return (
    <section aria-labelledby="keys-h" className="space-y-3">
      <h2 id="keys-h" className="text-lg font-semibold">
        API keys
      </h2>
      <p className="text-sm text-stone-700">
        For scripts: send <code className="rounded bg-stone-100 px-1">Authorization: Bearer &lt;key&gt;</code>. A key acts as you, with your collections.
      </p>
      <form
        className="flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          e.currentTarget.reset();
          void create(String(f.get("name") ?? ""));
        }}
      >
        <label className="text-sm">
          Name <input name="name" required maxLength={100} className="rounded border border-stone-300 px-2 py-1 text-sm" />
        </label>
        <button type="submit" className="rounded bg-teal-700 px-3 py-1 text-sm font-medium text-white hover:bg-teal-800">
          Create key
        </button>
      </form>
      {fresh && (
        <p className="rounded border border-amber-300 bg-amber-50 p-2 text-sm" role="status">
          Copy it now; it is not shown again: <code className="break-all" data-testid="new-api-key">{fresh}</code>
        </p>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      <ul className="space-y-1 text-sm" data-testid="api-keys">
        {(keys ?? []).map((k) => (
          <li key={k.id} className="flex gap-3">
            <span className="font-medium">{k.name}</span>
            <span className="text-stone-500">created {k.createdAt.slice(0, 10)}</span>
            <span className="text-stone-500">{k.lastUsedAt ? `last used ${k.lastUsedAt.replace("T", " ").slice(0, 16)}` : "never used"}</span>
            {k.revokedAt ? (
              <span className="text-stone-500">revoked</span>
            ) : (
              <button type="button" onClick={() => void revoke(k.id)} className="text-red-700 underline" aria-label={`Revoke ${k.name}`}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
