"use client";
import type { Me } from "./useMe";

/** "All collections" or one; shown only when there is more than one to choose from. */
export function CollectionPicker({
  collections,
  value,
  onChange,
  label,
  allowAll = true,
}: {
  collections: Me["collections"];
  value: string;
  onChange: (id: string) => void;
  label: string;
  allowAll?: boolean;
}) {
  if (collections.length < 2) return null;
  return (
    <label className="flex items-center gap-2 text-sm text-stone-700">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} className="rounded border border-stone-300 bg-white px-2 py-1" data-testid={`collection-picker-${label.toLowerCase().replace(/\W+/g, "-")}`}>
        {allowAll && <option value="">All collections</option>}
        {collections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
