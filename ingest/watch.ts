import fs from "node:fs";
import path from "node:path";
import chokidar, { type FSWatcher } from "chokidar";

/** What to do with what the watcher sees; the entry point (ingest/worker.ts) wires these to lib/library. */
export interface WatchHandlers {
  /** A file appeared or changed, and has stopped changing. */
  onFile(filePath: string): Promise<void>;
  /** A file was deleted. */
  onRemoved(filePath: string): Promise<void>;
  /** Paths already indexed from a watched folder, to notice files deleted while nobody watched. */
  knownPaths(): string[];
}

export interface WatchOptions {
  dir: string;
  handlers: WatchHandlers;
  /** How long a file must stay unchanged before it is read (editors write in bursts). */
  stableMs?: number;
}

/**
 * Watches a folder and reports new, changed and deleted files to the handlers, one at a time
 * in event order, so a quick add+change+unlink ends in the right state.
 */
export async function startWatching(opts: WatchOptions): Promise<FSWatcher> {
  const { handlers } = opts;
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(dir, { recursive: true });
  let queue = Promise.resolve();
  const serial = (what: string, fn: () => Promise<void>) => {
    queue = queue.then(fn).catch((e) => console.error(`watch: ${what} failed:`, e));
  };
  const onFile = async (file: string) => {
    // Gone again, or a directory: nothing to read.
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return;
    await handlers.onFile(file);
  };

  // Files deleted while the watcher was stopped.
  for (const known of handlers.knownPaths()) {
    if (known.startsWith(dir + path.sep) && !fs.existsSync(known)) serial(`remove ${known}`, () => handlers.onRemoved(known));
  }

  const watcher = chokidar.watch(dir, {
    ignoreInitial: false,
    ignored: (p) => path.basename(p).startsWith(".") || p.endsWith("~"),
    awaitWriteFinish: { stabilityThreshold: opts.stableMs ?? 1000, pollInterval: 100 },
    followSymlinks: false,
  });
  watcher.on("add", (f) => serial(`add ${f}`, () => onFile(f)));
  watcher.on("change", (f) => serial(`change ${f}`, () => onFile(f)));
  watcher.on("unlink", (f) => serial(`unlink ${f}`, () => handlers.onRemoved(f)));
  watcher.on("error", (e) => console.error("watch: watcher error:", e));
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return watcher;
}
