import Link from "next/link";

export const dynamic = "force-dynamic";

export default function Home() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Ask your documents</h1>
      <p className="max-w-2xl text-stone-700">
        Cairn answers questions from your own files, on this machine, quoting the exact page and words. Nothing leaves the
        machine.
      </p>
      <Link href="/library" className="inline-block rounded bg-teal-700 px-4 py-2 text-white hover:bg-teal-800">
        Open the library
      </Link>
    </div>
  );
}
