import { AsyncLocalStorage } from "node:async_hooks";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { collectionsForUser, getUser, listAllCollections, type CollectionRole } from "@/core/db/queries";
import { LOCAL_USER_ID } from "@/core/db/schema";
import { CairnError } from "@/core/errors";

export interface Principal {
  userId: string;
  /** Display name; the local user's is "local". */
  name?: string;
  /** How the caller proved who they are (set by lib/requestAuth). */
  via?: "local" | "session" | "api_key";
}

const db = () => openDb(config().dbPath);
const requestPrincipal = new AsyncLocalStorage<Principal | null>();

export const accountsEnabled = (): boolean => config().accounts;

/** Runs `fn` as `principal` (null: nobody logged in). lib/http's route() does this for every request. */
export function runAs<T>(principal: Principal | null, fn: () => T): T {
  return requestPrincipal.run(principal, fn);
}

/**
 * Who is calling. Without accounts (the default, a personal laptop on 127.0.0.1) every request
 * is the single local user. With accounts, the principal route() authenticated for this
 * request; outside a request, or logged out, it is a 401 — never a fallback user.
 */
export function currentPrincipal(): Principal {
  if (!accountsEnabled()) return { userId: LOCAL_USER_ID, name: "local", via: "local" };
  const p = requestPrincipal.getStore();
  if (!p) throw new CairnError("unauthorized:auth", "Please log in.");
  return p;
}

/** The logged-in principal if any, for routes open to everyone (login page, health). */
export function optionalPrincipal(): Principal | null {
  if (!accountsEnabled()) return currentPrincipal();
  return requestPrincipal.getStore() ?? null;
}

/** Admin is a flag on the user row, read on every check, so a demotion takes effect at once. */
export function isAdmin(principal: Principal): boolean {
  if (!accountsEnabled()) return false;
  const u = getUser(db(), principal.userId);
  return !!u && u.isAdmin && !u.disabled;
}

/** Collections with the caller's role in each; an admin holds every collection as owner. */
export function collectionRoles(principal: Principal): { id: string; name: string; role: CollectionRole }[] {
  if (isAdmin(principal)) return listAllCollections(db()).map((c) => ({ ...c, role: "owner" as const }));
  return collectionsForUser(db(), principal.userId);
}

export function readableCollections(principal: Principal): string[] {
  return collectionRoles(principal).map((c) => c.id);
}

const writers: CollectionRole[] = ["owner", "editor"];

export function writableCollections(principal: Principal): string[] {
  return collectionRoles(principal)
    .filter((c) => writers.includes(c.role))
    .map((c) => c.id);
}

export function assertCanWrite(principal: Principal, collectionId: string): void {
  const membership = collectionRoles(principal).find((c) => c.id === collectionId);
  if (!membership) throw new CairnError("not_found:document", `Collection "${collectionId}" does not exist or you cannot see it.`);
  if (!writers.includes(membership.role)) {
    throw new CairnError("forbidden:document", `You can read collection "${collectionId}" but not add or remove documents in it.`);
  }
}

export function assertCanRead(principal: Principal, collectionId: string): void {
  if (!readableCollections(principal).includes(collectionId)) {
    throw new CairnError("not_found:document", "Document not found.");
  }
}

/** Users, collections, memberships, audit log. Without accounts there is nobody to administer. */
export function assertAdmin(principal: Principal): void {
  if (!accountsEnabled()) throw new CairnError("not_found:auth", "Accounts are off (CAIRN_ACCOUNTS=off): there is nothing to administer.");
  if (!isAdmin(principal)) throw new CairnError("forbidden:auth", "Only an administrator can do this.");
}

/** Downloading, importing or removing models: anyone on a personal machine; only admins on an intranet. */
export function assertCanManageModels(principal: Principal): void {
  if (!accountsEnabled()) return;
  if (!isAdmin(principal)) throw new CairnError("forbidden:model", "Only an administrator can download, import or remove models.");
}
