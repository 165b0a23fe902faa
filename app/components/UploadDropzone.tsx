"use client";
import { useCallback, useState } from "react";

interface UploadItem {
  key: string;
  name: string;
  loaded: number;
  total: number;
  state: "uploading" | "done" | "duplicate" | "error";
  message?: string;
}

/** Drag-and-drop or pick files; each file is its own request so each gets its own progress bar. */
export function UploadDropzone({ onUploaded, collection }: { onUploaded: () => void; collection?: string }) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [over, setOver] = useState(false);

  const update = (key: string, patch: Partial<UploadItem>) =>
    setItems((all) => all.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  const upload = useCallback(
    (files: FileList | File[]) => {
      for (const file of Array.from(files)) {
        const key = `${file.name}-${file.size}-${Math.random()}`;
        setItems((all) => [{ key, name: file.name, loaded: 0, total: file.size, state: "uploading" }, ...all]);
        const form = new FormData();
        form.append("file", file, file.name);
        const xhr = new XMLHttpRequest();
        xhr.open("POST", collection ? `/api/documents?${new URLSearchParams({ collection })}` : "/api/documents");
        xhr.upload.onprogress = (e) => update(key, { loaded: e.loaded, total: e.total || file.size });
        xhr.onload = () => {
          let body: { results?: { duplicate?: boolean; error?: { message: string } }[]; error?: { message: string } } = {};
          try {
            body = JSON.parse(xhr.responseText);
          } catch (e) {
            body = { error: { message: `Unexpected server reply (${xhr.status}): ${(e as Error).message}` } };
          }
          const result = body.results?.[0];
          const error = body.error?.message ?? result?.error?.message;
          if (xhr.status >= 400 || error) update(key, { state: "error", message: error ?? `Upload failed (${xhr.status})` });
          else update(key, { state: result?.duplicate ? "duplicate" : "done", loaded: file.size });
          onUploaded();
        };
        xhr.onerror = () => update(key, { state: "error", message: "The connection to Cairn was lost during the upload." });
        xhr.send(form);
      }
    },
    [onUploaded, collection],
  );

  return (
    <section aria-label="Upload documents" className="space-y-3">
      {/* The drop area is a pointer convenience; the control is the file input, named by its label. */}
      <div
        data-testid="dropzone"
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          upload(e.dataTransfer.files);
        }}
        className={`rounded-lg border-2 border-dashed focus-within:ring-2 focus-within:ring-teal-600 ${over ? "border-teal-600 bg-teal-50" : "border-stone-300 bg-white"}`}
      >
        <label className="flex cursor-pointer flex-col items-center justify-center px-6 py-8 text-center">
          <span className="font-medium">Drop PDF, Word, text, Markdown or HTML files here</span>
          <span className="mt-2 rounded border border-teal-700 px-3 py-1 text-sm text-teal-800 hover:bg-teal-50">Choose files</span>
          <input
            type="file"
            multiple
            className="sr-only"
            data-testid="file-input"
            onChange={(e) => {
              if (e.target.files) upload(e.target.files);
              // Picking the same file again (say, after deleting it) must upload it again.
              e.target.value = "";
            }}
          />
        </label>
      </div>
      {items.length > 0 && (
        <ul className="space-y-2" aria-live="polite">
          {items.map((i) => (
            <li key={i.key} className="rounded border border-stone-200 bg-white px-3 py-2 text-sm">
              <div className="flex justify-between gap-4">
                <span className="truncate">{i.name}</span>
                <span className={i.state === "error" ? "text-red-700" : "text-stone-600"}>
                  {i.state === "uploading" && `${Math.round((100 * i.loaded) / Math.max(i.total, 1))}%`}
                  {i.state === "done" && "uploaded"}
                  {i.state === "duplicate" && "already in the library"}
                  {i.state === "error" && "failed"}
                </span>
              </div>
              {i.state === "uploading" && (
                <progress className="mt-1 h-1 w-full" max={i.total || 1} value={i.loaded} aria-label={`Uploading ${i.name}`} />
              )}
              {i.message && <p className="mt-1 text-red-700">{i.message}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
