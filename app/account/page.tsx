import { accountsEnabled } from "@/lib/auth";
import { whoAmI } from "@/lib/accounts";
import { pagePrincipal } from "../pageAuth";
import { ApiKeys } from "./ApiKeys";
import { ChangePassword } from "./ChangePassword";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const principal = await pagePrincipal();
  if (!accountsEnabled()) {
    return (
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">Account</h1>
        <p className="text-sm text-stone-700">Accounts are off (CAIRN_ACCOUNTS=off): Cairn has a single local user and needs no API key.</p>
      </div>
    );
  }
  const me = whoAmI(principal);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Account</h1>
      <section aria-labelledby="collections-h" className="space-y-2">
        <h2 id="collections-h" className="text-lg font-semibold">
          Your collections
        </h2>
        {me.collections.length === 0 ? (
          <p className="text-sm text-stone-600">You are not a member of any collection yet; ask an administrator.</p>
        ) : (
          <ul className="text-sm" data-testid="my-collections">
            {me.collections.map((c) => (
              <li key={c.id}>
                <span className="font-medium">{c.name}</span> — {c.role === "reader" ? "read and ask" : "read, ask, upload and delete"} ({c.role})
              </li>
            ))}
          </ul>
        )}
      </section>
      <ChangePassword />
      <ApiKeys />
    </div>
  );
}
