import { LibraryView } from "./LibraryView";

export const dynamic = "force-dynamic";

export default function LibraryPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Library</h1>
      <LibraryView />
    </div>
  );
}
