import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";

// One llama.cpp runtime per process, shared by the LLM and the embedder.
// CPU only, prebuilt binary: never build from source or download at run time.
let llamaPromise: Promise<Llama> | undefined;

export function getLlamaInstance(): Promise<Llama> {
  llamaPromise ??= getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error }).catch((e: unknown) => {
    llamaPromise = undefined;
    throw e;
  });
  return llamaPromise;
}
