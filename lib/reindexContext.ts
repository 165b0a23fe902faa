import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { enqueueJob, getDocument, listJobs } from "@/core/db/queries";
import type { VectorStore } from "@/vectorstore/VectorStore";

// Chunks stored before context headers (search index schema v1, migrated in place to v2) are
// searchable as before but without title, parties and section path. Their documents are queued
// for re-indexing once, so an old store catches up by itself; the old chunks stay searchable
// until each document's new set replaces them in one commit.

export async function requeueDocumentsWithoutContext(store: VectorStore): Promise<number> {
  const ids = await store.documentsWithoutContext();
  if (ids.length === 0) return 0;
  const db = openDb(config().dbPath);
  let queued = 0;
  for (const id of ids) {
    const doc = getDocument(db, id);
    if (!doc || doc.status !== "indexed") continue;
    const last = listJobs(db, id).at(-1);
    if (last && (last.status === "pending" || last.status === "running")) continue;
    enqueueJob(db, id, doc.sha256);
    queued++;
  }
  if (queued > 0) console.log(`Cairn: re-indexing ${queued} document(s) indexed before chunk context headers (search index schema v2).`);
  return queued;
}
