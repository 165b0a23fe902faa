import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import chokidar, { type FSWatcher } from "chokidar";
import type { Db } from "@/core/db";
import { countDocumentsWithSha, enqueueJob, findWatchedDocument, insertDocument, listWatchedDocuments, updateDocument } from "@/core/db/queries";
import { sanitizeFileName } from "@/core/fileName";
import { commitToStore, removeStoredFile, sha256File, tempFilePath } from "@/core/files";
import { removeDocumentEverywhere } from "@/lib/library";

export interface WatchOptions {
  dir: string;
  collectionId: string;
  db: Db;
  /** How long a file must stay unchanged before it is read (editors write in bursts). */
  stableMs?: number;
}

/**
 * Keeps a folder and a collection in step: new files are indexed, changed ones re-indexed
 * (old chunks replaced in one step), deleted ones removed with their chunks.
 */
export async function startWatching(opts: WatchOptions): Promise<FSWatcher> {
  const { db, collectionId } = opts;
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(dir, { recursive: true });
  // One file at a time, in event order, so a quick add+change+unlink ends in the right state.
  let queue = Promise.resolve();
  const serial = (what: string, fn: () => Promise<void>) => {
    queue = queue.then(fn).catch((e) => console.error(`watch: ${what} failed:`, e));
  };

  const upsert = async (file: string) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return;
    // Copy first, then hash the copy: the stored bytes are exactly the hashed bytes.
    const temp = tempFilePath();
    fs.copyFileSync(file, temp);
    const { sha256, size } = await sha256File(temp);
    const existing = findWatchedDocument(db, file);
    if (existing && existing.sha256 === sha256) {
      fs.rmSync(temp, { force: true });
      return;
    }
    commitToStore(temp, sha256);
    if (!existing) {
      const id = randomUUID();
      db.transaction(() => {
        insertDocument(db, { id, collectionId, name: sanitizeFileName(path.basename(file)), sha256, sizeBytes: size, source: "watch", sourcePath: file });
        enqueueJob(db, id, sha256);
      })();
      console.log(`watch: new ${file}`);
      return;
    }
    const oldSha = existing.sha256;
    db.transaction(() => {
      updateDocument(db, existing.id, { sha256, sizeBytes: size, status: "queued", errorCode: null, errorMessage: null });
      enqueueJob(db, existing.id, sha256);
    })();
    if (countDocumentsWithSha(db, oldSha) === 0) removeStoredFile(oldSha);
    console.log(`watch: changed ${file}`);
  };

  const remove = async (file: string) => {
    const existing = findWatchedDocument(db, file);
    if (!existing) return;
    await removeDocumentEverywhere(existing);
    console.log(`watch: removed ${file}`);
  };

  // Files deleted while the worker was down.
  for (const doc of listWatchedDocuments(db)) {
    if (doc.sourcePath && doc.sourcePath.startsWith(dir + path.sep) && !fs.existsSync(doc.sourcePath)) serial(`remove ${doc.sourcePath}`, () => remove(doc.sourcePath!));
  }

  const watcher = chokidar.watch(dir, {
    ignoreInitial: false,
    ignored: (p) => path.basename(p).startsWith(".") || p.endsWith("~"),
    awaitWriteFinish: { stabilityThreshold: opts.stableMs ?? 1000, pollInterval: 100 },
    followSymlinks: false,
  });
  watcher.on("add", (f) => serial(`add ${f}`, () => upsert(f)));
  watcher.on("change", (f) => serial(`change ${f}`, () => upsert(f)));
  watcher.on("unlink", (f) => serial(`unlink ${f}`, () => remove(f)));
  watcher.on("error", (e) => console.error("watch: watcher error:", e));
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return watcher;
}
