"use client";
import { useState } from "react";
import { formatBytes } from "./useModels";

interface Imported {
  name: string;
  role: string;
  architecture: string;
  sizeBytes: number;
  catalogueMatch: boolean;
}

/** "Import a .gguf file": for a machine without network, the file goes up through the browser. */
export function ImportModel({ onImported }: { onImported: () => void }) {
  const [state, setState] = useState<{ kind: "idle" } | { kind: "uploading"; loaded: number; total: number } | { kind: "done"; model: Imported } | { kind: "error"; message: string }>({
    kind: "idle",
  });

  const upload = (file: File) => {
    setState({ kind: "uploading", loaded: 0, total: file.size });
    const form = new FormData();
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/models/import");
    xhr.upload.onprogress = (e) => setState({ kind: "uploading", loaded: e.loaded, total: e.total || file.size });
    xhr.onload = () => {
      let body: { model?: Imported; error?: { message: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { error: { message: `Unexpected server reply (HTTP ${xhr.status}).` } };
      }
      if (xhr.status >= 400 || !body.model) setState({ kind: "error", message: body.error?.message ?? `Import failed (HTTP ${xhr.status}).` });
      else setState({ kind: "done", model: body.model });
      onImported();
    };
    xhr.onerror = () => setState({ kind: "error", message: "The connection to Cairn was lost during the upload; nothing was imported." });
    xhr.send(form);
  };

  return (
    <section aria-labelledby="import-heading" className="space-y-2 rounded border border-stone-200 bg-white p-4">
      <h2 id="import-heading" className="font-semibold">
        Import a .gguf file
      </h2>
      <p className="text-sm text-stone-700">
        No network on this machine? Copy a GGUF model here and upload it. It is checked exactly like{" "}
        <code className="rounded bg-stone-100 px-1">npm run models -- import</code>: a complete GGUF file, its role read from the file.
      </p>
      <label className="inline-block cursor-pointer rounded border border-teal-700 px-3 py-1 text-sm text-teal-800 focus-within:ring-2 focus-within:ring-teal-600 hover:bg-teal-50">
        Choose a .gguf file
        <input
          type="file"
          accept=".gguf"
          className="sr-only"
          data-testid="model-file-input"
          disabled={state.kind === "uploading"}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload(file);
            e.target.value = "";
          }}
        />
      </label>
      <div role="status" data-testid="import-status" className="text-sm">
        {state.kind === "uploading" && (
          <span>
            Uploading {formatBytes(state.loaded)} of {formatBytes(state.total)}…
          </span>
        )}
        {state.kind === "done" && (
          <span className="text-teal-800">
            Imported {state.model.catalogueMatch ? "catalogue model" : state.model.role === "llm" ? "language model" : "embedding model"} {state.model.name} ({state.model.architecture},{" "}
            {formatBytes(state.model.sizeBytes)}).
          </span>
        )}
        {state.kind === "error" && <span className="text-red-800">{state.message}</span>}
      </div>
    </section>
  );
}
