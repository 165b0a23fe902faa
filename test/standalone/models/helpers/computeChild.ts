// A second process for the compute-scheduler test: `bulk <db> <ttl> <chunkMs>` takes turns and
// prints each fake chunk's start/end; `interactive <db> <ttl>` holds an interactive lease forever.
import { openDb } from "@/core/db";
import { ComputeScheduler } from "@/models/computeScheduler";

const [mode, dbPath, ttl, chunkMs] = process.argv.slice(2);
const scheduler = new ComputeScheduler({ db: openDb(dbPath!), ttlMs: Number(ttl), pollMs: 10 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (mode === "bulk") {
  const lease = scheduler.bulk();
  for (;;) {
    await lease.turn();
    const start = Date.now();
    // Asynchronous like llama.cpp's compute: the event loop stays free for the heartbeat.
    await sleep(Number(chunkMs));
    console.log(`chunk ${start} ${Date.now()}`);
  }
} else {
  await scheduler.interactive(async () => {
    console.log("holding");
    await sleep(3_600_000);
  });
}
