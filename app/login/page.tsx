import { redirect } from "next/navigation";
import { accountsEnabled } from "@/lib/auth";
import { pageViewer } from "../pageAuth";
import { LoginForm } from "./LoginForm";
import { safeNext } from "./safeNext";

export const dynamic = "force-dynamic";


export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  if (!accountsEnabled() || (await pageViewer())) redirect(next);
  return (
    <div className="mx-auto max-w-sm space-y-4 pt-8">
      <h1 className="text-2xl font-semibold">Sign in to Cairn</h1>
      <LoginForm next={next} />
    </div>
  );
}
