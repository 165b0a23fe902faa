"use client";

/** Who is logged in, and the way out. Shown only with accounts on. */
export function UserMenu({ name, isAdmin }: { name: string; isAdmin: boolean }) {
  const logout = async () => {
    await fetch("/api/auth/logout", { method: "POST" });
    // A full load, so no page state of the old session survives.
    window.location.replace("/login");
  };
  return (
    <div className="ml-auto flex items-center gap-4 text-sm">
      {isAdmin && (
        <a href="/admin" className="text-stone-700 hover:text-stone-950">
          Admin
        </a>
      )}
      <a href="/account" className="text-stone-600 hover:text-stone-950" data-testid="who-am-i">
        Signed in as <span className="font-medium text-stone-900">{name}</span>
        {isAdmin ? " (admin)" : ""}
      </a>
      <button type="button" onClick={logout} className="rounded border border-stone-300 px-2 py-1 text-stone-700 hover:bg-stone-100">
        Log out
      </button>
    </div>
  );
}
