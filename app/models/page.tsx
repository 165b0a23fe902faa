import { modelsOverview, type ActiveModel } from "@/lib/modelsOverview";
import type { ModelListing } from "@/models/registry";

export const dynamic = "force-dynamic";

const stateLabel = { missing: "not installed", loading: "loading…", ready: "ready", error: "failed to load" } as const;

const mb = (n: number | null) => (n === null ? "–" : n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`);

function ActiveCard({ modelRole, active }: { modelRole: "llm" | "embedder"; active: ActiveModel }) {
  return (
    <div className={`rounded border p-3 ${active.ok ? "border-teal-200 bg-white" : "border-amber-300 bg-amber-50"}`} data-testid={`active-${modelRole}`}>
      <div className="text-sm font-semibold">{modelRole === "llm" ? "Language model (answers)" : "Embedding model (search and indexing)"}</div>
      {active.ok ? (
        <p className="text-sm text-stone-700">
          Using <span className="font-medium">{active.name}</span> <span className="text-stone-500">({active.source})</span>
        </p>
      ) : (
        <p className="text-sm text-amber-950">
          Missing: {active.message}. Get it with <code className="rounded bg-white px-1">{active.getCommand}</code>
        </p>
      )}
    </div>
  );
}

function Row({ m }: { m: ModelListing }) {
  return (
    <tr className="border-t border-stone-100 align-top">
      <td className="px-3 py-2">
        <div className="font-medium">
          {m.name}
          {m.isDefault && <span className="ml-2 rounded bg-teal-100 px-1 text-xs text-teal-900">default</span>}
          {m.testOnly && <span className="ml-2 rounded bg-stone-200 px-1 text-xs">tests</span>}
        </div>
        <div className="text-xs text-stone-600">{m.description}</div>
      </td>
      <td className="px-3 py-2">{m.role === "llm" ? "answers" : "search"}</td>
      <td className="px-3 py-2 whitespace-nowrap">{mb(m.sizeBytes)}</td>
      <td className="px-3 py-2">{m.license ?? "–"}</td>
      <td className="px-3 py-2">
        {m.installed ? (
          <span className="text-teal-700">Installed</span>
        ) : (
          <code className="rounded bg-stone-100 px-1 text-xs break-all">{m.getCommand}</code>
        )}
      </td>
    </tr>
  );
}

export default function ModelsPage() {
  const { models, active, state } = modelsOverview();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Models</h1>
      <p className="max-w-2xl text-sm text-stone-700">
        Models run on this machine. Download them with the commands below, or import a .gguf file from disk with{" "}
        <code className="rounded bg-stone-100 px-1">npm run models -- import &lt;file&gt;</code>.
      </p>
      <div className="grid gap-3 md:grid-cols-2">
        <ActiveCard modelRole="llm" active={active.llm} />
        <ActiveCard modelRole="embedder" active={active.embedder} />
      </div>
      <p className="text-sm text-stone-700" data-testid="model-state">
        {(["llm", "embedder"] as const).map((role) => (
          <span key={role} className="mr-4">
            {role === "llm" ? "Language model" : "Embedder"}: {stateLabel[state[role].status]}
            {state[role].error ? ` (${state[role].error})` : ""}
          </span>
        ))}
      </p>
      <div className="overflow-x-auto rounded border border-stone-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-stone-100 text-stone-700">
            <tr>
              <th className="px-3 py-2 font-medium">Model</th>
              <th className="px-3 py-2 font-medium">Used for</th>
              <th className="px-3 py-2 font-medium">Size</th>
              <th className="px-3 py-2 font-medium">License</th>
              <th className="px-3 py-2 font-medium">Status</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <Row key={`${m.kind}:${m.name}`} m={m} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
