import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { ModelRole } from "./types";

// Which installed model each role uses, chosen on the Models page: <models dir>/selection.json.
// Read on every resolve (a stat and a small read), so a choice made in the web app reaches the
// worker process too, without a restart. CAIRN_LLM_MODEL / CAIRN_EMBED_MODEL still win.

export const SELECTION_FILE = "selection.json";
const schema = z.object({ llm: z.string().optional(), embedder: z.string().optional() });
export type ModelSelection = z.infer<typeof schema>;

export function readSelectionSync(modelsDir: string): ModelSelection {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path.join(modelsDir, SELECTION_FILE), "utf8")));
    // A damaged file means "no choice made": the defaults apply, nothing breaks.
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export async function writeSelection(modelsDir: string, role: ModelRole, name: string | null): Promise<void> {
  const current = readSelectionSync(modelsDir);
  const next: ModelSelection = { ...current, [role]: name ?? undefined };
  await mkdir(modelsDir, { recursive: true });
  const file = path.join(modelsDir, SELECTION_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`);
  await rename(tmp, file);
}
