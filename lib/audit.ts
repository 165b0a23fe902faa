import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { insertAudit } from "@/core/db/queries";
import type { Principal } from "./auth";

/** Appends to the audit log: logins, uploads, deletions, permission changes. */
export function audit(actor: Principal | null, action: string, target?: string | null, detail?: unknown, ip?: string | null): void {
  insertAudit(openDb(config().dbPath), { actor: actor?.userId ?? null, action, target, detail, ip });
}
