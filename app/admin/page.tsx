import { accountsEnabled, isAdmin } from "@/lib/auth";
import { pagePrincipal } from "../pageAuth";
import { AdminView } from "./AdminView";

export const dynamic = "force-dynamic";

export default async function AdminPage() {
  const principal = await pagePrincipal();
  if (!accountsEnabled() || !isAdmin(principal)) {
    return (
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">Administration</h1>
        <p className="text-sm text-stone-700" role="alert">
          {accountsEnabled() ? "Only an administrator can see this page." : "Accounts are off (CAIRN_ACCOUNTS=off): Cairn has a single local user."}
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Administration</h1>
      <AdminView selfId={principal.userId} />
    </div>
  );
}
