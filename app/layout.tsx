import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { accountsEnabled } from "@/lib/auth";
import { whoAmI } from "@/lib/accounts";
import { principalFromHeaders } from "@/lib/requestAuth";
import { UserMenu } from "./components/UserMenu";
import "./globals.css";

export const metadata: Metadata = {
  title: "Cairn",
  description: "Private document question answering with page-exact citations",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // With accounts on, every page but the login page needs a session (lib/ decides whose).
  const h = await headers();
  const path = h.get("x-cairn-path") ?? "/";
  const viewer = principalFromHeaders(new Headers(h));
  const onLogin = path === "/login" || path.startsWith("/login?");
  if (accountsEnabled() && !viewer && !onLogin) redirect(`/login?next=${encodeURIComponent(path)}`);
  const me = accountsEnabled() && viewer ? whoAmI(viewer).user : null;
  return (
    <html lang="en">
      <body className="min-h-screen bg-stone-50 text-stone-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
          Skip to content
        </a>
        <header className="border-b border-stone-200 bg-white">
          <nav className="mx-auto flex max-w-6xl items-center gap-6 px-4 py-3" aria-label="Main">
            <Link href="/" className="text-lg font-semibold tracking-tight">
              Cairn
            </Link>
            <Link href="/library" className="text-sm text-stone-700 hover:text-stone-950">
              Library
            </Link>
            <Link href="/models" className="text-sm text-stone-700 hover:text-stone-950">
              Models
            </Link>
            {me && <UserMenu name={me.name} isAdmin={me.isAdmin} />}
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-4 py-6">
          {children}
        </main>
      </body>
    </html>
  );
}
