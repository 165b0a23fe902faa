import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { collectionsForUser, type CollectionRole } from "@/core/db/queries";
import { LOCAL_USER_ID } from "@/core/db/schema";
import { CairnError } from "@/core/errors";

export interface Principal {
  userId: string;
}

/**
 * Who is calling. Until accounts land, every request is the single local user; routes
 * still go through this so permission checks below are already enforced everywhere.
 */
export function currentPrincipal(): Principal {
  return { userId: LOCAL_USER_ID };
}

export function readableCollections(principal: Principal): string[] {
  return collectionsForUser(openDb(config().dbPath), principal.userId).map((c) => c.id);
}

const writers: CollectionRole[] = ["owner", "editor"];

export function assertCanWrite(principal: Principal, collectionId: string): void {
  const membership = collectionsForUser(openDb(config().dbPath), principal.userId).find((c) => c.id === collectionId);
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

/**
 * Downloading, importing, removing and switching models changes the service for everyone:
 * an admin's job once accounts exist; on the single-user default, the local user may.
 */
export function assertCanManageModels(principal: Principal): void {
  if (principal.userId !== LOCAL_USER_ID) {
    throw new CairnError("forbidden:model", "Only an administrator can download, import, remove or switch models.");
  }
}
