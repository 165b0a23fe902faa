import { randomBytes, randomUUID } from "node:crypto";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import {
  countActiveAdmins,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  getUser,
  getUserLogin,
  insertApiKey,
  insertCollection,
  insertSession,
  insertUser,
  listAllCollections,
  listApiKeys,
  listAudit,
  listMemberships,
  listUsers,
  removeMembership,
  revokeApiKey,
  setMembership,
  updateUser,
  type ApiKeyRow,
  type AuditRow,
  type CollectionRole,
  type UserRow,
} from "@/core/db/queries";
import { LOCAL_USER_ID } from "@/core/db/schema";
import { CairnError } from "@/core/errors";
import { audit } from "./audit";
import { assertAdmin, collectionRoles, isAdmin, writableCollections, type Principal } from "./auth";
import { API_KEY_PREFIX, sha256 } from "./requestAuth";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./utils/password";
import { RateLimitedError, RateLimiter } from "./utils/rateLimit";

// Accounts: users, logins and sessions, API keys, memberships, and the audit log of all of it.

const db = () => openDb(config().dbPath);

export const USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const MIN_PASSWORD = 10;

/** Creates a user with a password; the CLI (`npm run admin -- create`) and the admin page both come here. */
export async function createUser(input: { name: string; password: string; isAdmin?: boolean }, actor: Principal | null): Promise<UserRow> {
  if (!USER_NAME.test(input.name)) throw new CairnError("bad_request:auth", "User names are 1-64 letters, digits, '.', '_' or '-'.");
  if (input.name === LOCAL_USER_ID) throw new CairnError("bad_request:auth", `"${LOCAL_USER_ID}" is reserved for the single-user mode.`);
  if (input.password.length < MIN_PASSWORD) throw new CairnError("bad_request:auth", `Passwords are at least ${MIN_PASSWORD} characters.`);
  if (getUserLogin(db(), input.name)) throw new CairnError("conflict:auth", `A user named "${input.name}" already exists.`);
  const id = randomUUID();
  insertUser(db(), { id, name: input.name, passwordHash: await hashPassword(input.password), isAdmin: !!input.isAdmin });
  audit(actor, "user.create", id, { name: input.name, isAdmin: !!input.isAdmin });
  return getUser(db(), id)!;
}

export const hasAdmin = (): boolean => countActiveAdmins(db()) > 0;

// Login limits: per user name (guessing one password) and per address (trying many users).
const failuresByUser = new RateLimiter(5, 15 * 60_000);
const failuresByIp = new RateLimiter(20, 15 * 60_000);

export interface LoginResult {
  user: UserRow;
  token: string;
  expiresAt: number;
}

export async function login(name: string, password: string, ip: string): Promise<LoginResult> {
  const userKey = name.toLowerCase();
  if (failuresByUser.blocked(userKey) || failuresByIp.blocked(ip)) {
    audit(null, "login.rate_limited", null, { name }, ip);
    const wait = Math.max(failuresByUser.retryAfterSeconds(userKey), failuresByIp.retryAfterSeconds(ip));
    throw new RateLimitedError("auth", `Too many failed logins; try again in ${Math.ceil(wait / 60)} min.`, wait);
  }
  const row = getUserLogin(db(), name);
  const ok = row?.passwordHash && !row.disabled ? await verifyPassword(password, row.passwordHash) : (await burnPasswordCheck(password), false);
  if (!ok || !row) {
    failuresByUser.hit(userKey);
    failuresByIp.hit(ip);
    audit(null, "login.failed", row?.id ?? null, { name }, ip);
    // One message for unknown user and wrong password: a login form must not confirm names.
    throw new CairnError("unauthorized:auth", "Wrong user name or password.");
  }
  failuresByUser.reset(userKey);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = Date.now() + config().sessionMs;
  deleteExpiredSessions(db(), Date.now());
  insertSession(db(), { tokenHash: sha256(token), userId: row.id, expiresAt });
  const { passwordHash: _hash, ...user } = row;
  audit({ userId: row.id }, "login", row.id, {}, ip);
  return { user, token, expiresAt };
}

export function logout(principal: Principal | null, token: string | undefined, ip: string): void {
  if (token) deleteSession(db(), sha256(token));
  if (principal) audit(principal, "logout", principal.userId, {}, ip);
}

export interface Me {
  accounts: boolean;
  user: { id: string; name: string; isAdmin: boolean } | null;
  collections: { id: string; name: string; role: CollectionRole }[];
  writable: string[];
}

export function whoAmI(principal: Principal | null): Me {
  if (!principal) return { accounts: config().accounts, user: null, collections: [], writable: [] };
  const u = getUser(db(), principal.userId);
  return {
    accounts: config().accounts,
    user: { id: principal.userId, name: u?.name ?? principal.name ?? principal.userId, isAdmin: isAdmin(principal) },
    collections: collectionRoles(principal),
    writable: writableCollections(principal),
  };
}

/**
 * A user changes their own password: the current one is checked (and counts toward the login
 * limit), every session of theirs ends, and a fresh one is issued for this browser.
 */
export async function changeOwnPassword(principal: Principal, current: string, next: string, ip: string): Promise<LoginResult> {
  const user = getUser(db(), principal.userId);
  if (!user) throw new CairnError("unauthorized:auth", "Please log in.");
  if (next.length < MIN_PASSWORD) throw new CairnError("bad_request:auth", `Passwords are at least ${MIN_PASSWORD} characters.`);
  const result = await login(user.name, current, ip).catch((e: unknown) => {
    if (e instanceof CairnError && e.type === "unauthorized") throw new CairnError("forbidden:auth", "The current password is wrong.");
    throw e;
  });
  updateUser(db(), user.id, { passwordHash: await hashPassword(next) });
  deleteUserSessions(db(), user.id);
  insertSession(db(), { tokenHash: sha256(result.token), userId: user.id, expiresAt: result.expiresAt });
  audit(principal, "user.password_change", user.id, {}, ip);
  return result;
}

// ---- API keys (the caller's own) ----

export function createApiKey(principal: Principal, name: string): { key: string; apiKey: ApiKeyRow } {
  const key = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  const id = randomUUID();
  insertApiKey(db(), { id, userId: principal.userId, name, keyHash: sha256(key) });
  audit(principal, "api_key.create", id, { name });
  return { key, apiKey: listApiKeys(db(), principal.userId).find((k) => k.id === id)! };
}

export const listOwnApiKeys = (principal: Principal): ApiKeyRow[] => listApiKeys(db(), principal.userId);

export function revokeOwnApiKey(principal: Principal, keyId: string): void {
  if (!revokeApiKey(db(), principal.userId, keyId)) throw new CairnError("not_found:auth", "API key not found.");
  audit(principal, "api_key.revoke", keyId);
}

// ---- administration (admins only) ----

export interface AdminOverview {
  users: UserRow[];
  collections: { id: string; name: string }[];
  memberships: { collectionId: string; userId: string; role: CollectionRole }[];
}

export function adminOverview(principal: Principal): AdminOverview {
  assertAdmin(principal);
  return {
    users: listUsers(db()).filter((u) => u.id !== LOCAL_USER_ID),
    collections: listAllCollections(db()),
    memberships: listMemberships(db()).filter((m) => m.userId !== LOCAL_USER_ID),
  };
}

export function adminAudit(principal: Principal, limit = 200): AuditRow[] {
  assertAdmin(principal);
  return listAudit(db(), limit);
}

export async function adminCreateUser(principal: Principal, input: { name: string; password: string; isAdmin?: boolean }): Promise<UserRow> {
  assertAdmin(principal);
  return createUser(input, principal);
}

export async function adminUpdateUser(principal: Principal, userId: string, patch: { isAdmin?: boolean; disabled?: boolean; password?: string }): Promise<UserRow> {
  assertAdmin(principal);
  const user = getUser(db(), userId);
  if (!user || userId === LOCAL_USER_ID) throw new CairnError("not_found:auth", "User not found.");
  if (userId === principal.userId && (patch.isAdmin === false || patch.disabled === true)) {
    throw new CairnError("bad_request:auth", "You cannot remove your own admin role or disable yourself; ask another admin.");
  }
  if (patch.password !== undefined && patch.password.length < MIN_PASSWORD) throw new CairnError("bad_request:auth", `Passwords are at least ${MIN_PASSWORD} characters.`);
  updateUser(db(), userId, {
    isAdmin: patch.isAdmin,
    disabled: patch.disabled,
    passwordHash: patch.password === undefined ? undefined : await hashPassword(patch.password),
  });
  // A disabled user or a new password ends every open session at once.
  if (patch.disabled || patch.password !== undefined) deleteUserSessions(db(), userId);
  audit(principal, "user.update", userId, { isAdmin: patch.isAdmin, disabled: patch.disabled, password: patch.password !== undefined ? "changed" : undefined });
  return getUser(db(), userId)!;
}

export const COLLECTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function adminCreateCollection(principal: Principal, input: { id: string; name: string }): { id: string; name: string } {
  assertAdmin(principal);
  return createCollection(principal, input);
}

/** Unchecked: for admins (above) and the operator's CLI. */
export function createCollection(actor: Principal | null, input: { id: string; name: string }): { id: string; name: string } {
  if (!COLLECTION_ID.test(input.id)) throw new CairnError("bad_request:auth", "Collection ids are 1-64 letters, digits, _ or -.");
  const name = input.name.trim();
  if (!name || name.length > 100) throw new CairnError("bad_request:auth", "Collection names are 1-100 characters.");
  if (listAllCollections(db()).some((c) => c.id === input.id || c.name === name)) {
    throw new CairnError("conflict:auth", "A collection with this id or name already exists.");
  }
  insertCollection(db(), { id: input.id, name });
  audit(actor, "collection.create", input.id, { name });
  return { id: input.id, name };
}

export function adminSetMembership(principal: Principal, collectionId: string, userId: string, role: CollectionRole | null): void {
  assertAdmin(principal);
  grantMembership(principal, collectionId, userId, role);
}

/** Unchecked: for admins (above) and the operator's CLI. */
export function grantMembership(actor: Principal | null, collectionId: string, userId: string, role: CollectionRole | null): void {
  if (!listAllCollections(db()).some((c) => c.id === collectionId)) throw new CairnError("not_found:auth", "Collection not found.");
  if (!getUser(db(), userId) || userId === LOCAL_USER_ID) throw new CairnError("not_found:auth", "User not found.");
  if (role) setMembership(db(), collectionId, userId, role);
  else if (!removeMembership(db(), collectionId, userId)) throw new CairnError("not_found:auth", "That user is not a member of this collection.");
  audit(actor, role ? "membership.set" : "membership.remove", collectionId, { userId, role });
}

export const userByName = (name: string): UserRow | undefined => {
  const row = getUserLogin(db(), name);
  if (!row) return undefined;
  const { passwordHash: _hash, ...user } = row;
  return user;
};

export const allUsers = (): UserRow[] => listUsers(db()).filter((u) => u.id !== LOCAL_USER_ID);

/** Set a password as the operator (CLI); ends the user's sessions. */
export async function resetPassword(name: string, password: string): Promise<void> {
  const user = userByName(name);
  if (!user) throw new CairnError("not_found:auth", `No user named "${name}".`);
  if (password.length < MIN_PASSWORD) throw new CairnError("bad_request:auth", `Passwords are at least ${MIN_PASSWORD} characters.`);
  updateUser(db(), user.id, { passwordHash: await hashPassword(password) });
  deleteUserSessions(db(), user.id);
  audit(null, "user.password_reset", user.id);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/;

/**
 * Intranet mode guard: listening beyond loopback needs accounts on and an admin to log in,
 * or anyone who reaches the port would read, upload and delete everything.
 */
export function assertSafeToListen(host: string): void {
  if (LOOPBACK.test(host)) return;
  if (!config().accounts) {
    throw new CairnError(
      "bad_request:config",
      `CAIRN_HOST=${host} would let anyone on the network read and delete every document. Set CAIRN_ACCOUNTS=on and create an admin (npm run admin -- create <name>), or listen on 127.0.0.1.`,
    );
  }
  if (!hasAdmin()) {
    throw new CairnError("bad_request:config", `CAIRN_HOST=${host} with accounts on needs an admin first: npm run admin -- create <name>`);
  }
}
