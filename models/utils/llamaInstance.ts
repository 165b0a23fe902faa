import os from "node:os";
import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import { config } from "@/core/config";

// One llama.cpp runtime per process, shared by the LLM and the embedder.
// CPU only, prebuilt binary: never build from source or download at run time.
let llamaPromise: Promise<Llama> | undefined;

export function getLlamaInstance(): Promise<Llama> {
  // One thread budget for every model in the process (node-llama-cpp shares it between contexts
  // computing at once; its default is at least 4, twice this machine's cores). Across processes
  // the compute scheduler (../computeScheduler.ts) keeps one model computing at a time.
  const maxThreads = Math.max(config().modelThreads, os.availableParallelism());
  llamaPromise ??= getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, maxThreads }).catch((e: unknown) => {
    llamaPromise = undefined;
    throw e;
  });
  return llamaPromise;
}
