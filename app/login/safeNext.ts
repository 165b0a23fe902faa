/** Where to go after logging in: only a path on this site, so ?next= cannot send anyone elsewhere. */
export function safeNext(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s || !s.startsWith("/") || s.startsWith("//") || s.startsWith("/\\")) return "/";
  // Control characters and backslashes let some browsers read "/\t/evil.example" as another host.
  if (/[\p{Cc}\\]/u.test(s)) return "/";
  return s;
}
