import os from "node:os";
import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import { config } from "@/core/config";

// One llama.cpp runtime per process, shared by the LLM and the embedder.
// CPU only, prebuilt binary: never build from source or download at run time.
// On globalThis: Next.js may evaluate this module once per route bundle.
const g = globalThis as unknown as { [key: symbol]: Promise<Llama> | undefined };
const KEY = Symbol.for("cairn.llama");

export function getLlamaInstance(): Promise<Llama> {
  // One thread budget for every model in the process (node-llama-cpp shares it between contexts
  // computing at once; its default is at least 4, twice this machine's cores). Across processes
  // the compute scheduler (../computeScheduler.ts) keeps one model computing at a time.
  const maxThreads = Math.max(config().modelThreads, os.availableParallelism());
  g[KEY] ??= getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads }).catch((e: unknown) => {
    g[KEY] = undefined;
    throw e;
  });
  return g[KEY];
}
