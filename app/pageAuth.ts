import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Principal } from "@/lib/auth";
import { principalFromHeaders } from "@/lib/requestAuth";

/** The logged-in principal for a server-rendered page (null when logged out, accounts on). */
export async function pageViewer(): Promise<Principal | null> {
  return principalFromHeaders(new Headers(await headers()));
}

/** For pages that read data: logged out goes to the login page, back here after. */
export async function pagePrincipal(): Promise<Principal> {
  const h = await headers();
  const p = principalFromHeaders(new Headers(h));
  if (!p) redirect(`/login?next=${encodeURIComponent(h.get("x-cairn-path") ?? "/")}`);
  return p;
}
