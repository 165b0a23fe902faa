import path from "node:path";
import type { LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import { CairnError } from "@/core/errors";
import { ModelQueue } from "./queue";
import type { Embedder } from "./types";
import { getLlamaInstance } from "./utils/llamaInstance";

// Sentence embedder on node-llama-cpp (BERT-family GGUF with a pooling type, e.g. bge-small, MiniLM).
// Token counts include the [CLS] and [SEP] the model adds, so countTokens(text) <= maxTokens
// is exactly the condition under which embed() accepts the text.

export interface LoadEmbedderOptions {
  name?: string;
  /** CPU threads; 0 or unset = all math cores. */
  threads?: number;
}

export interface LocalEmbedder extends Embedder {
  dispose(): Promise<void>;
}

export function normalize(vector: readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let sum = 0;
  for (const v of out) sum += v * v;
  const norm = Math.sqrt(sum);
  if (!(norm > 0)) throw new CairnError("internal:model", "The embedder returned a zero or invalid vector.", { reason: "bad_embedding" });
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

export async function loadEmbedder(modelPath: string, options: LoadEmbedderOptions = {}): Promise<LocalEmbedder> {
  const llama = await getLlamaInstance();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath });
  } catch (cause) {
    throw new CairnError("unavailable:model", `Could not load the embedding model ${modelPath}: ${(cause as Error).message}`, { reason: "load_failed", cause });
  }
  const trainContext = model.trainContextSize;
  let context: LlamaEmbeddingContext;
  try {
    // node-llama-cpp refuses inputs of contextSize tokens or more, hence the extra slot;
    // inputs themselves never exceed the trained length (maxTokens), so positions stay in range.
    context = await model.createEmbeddingContext({
      contextSize: trainContext + 1,
      batchSize: trainContext + 1,
      threads: options.threads || llama.cpuMathCores,
    });
  } catch (cause) {
    await model.dispose();
    throw new CairnError("unavailable:model", `Could not create an embedding context for ${modelPath}: ${(cause as Error).message}`, {
      reason: "context_failed",
      cause,
    });
  }
  const dimensions = model.embeddingVectorSize;
  const maxTokens = trainContext;
  const modelName = options.name ?? path.basename(modelPath).replace(/\.gguf$/i, "");
  const queue = new ModelQueue();
  const countTokens = (text: string) => context.calculateInputLength(text);

  async function embedNow(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const text of texts) {
      const embedding = await context.getEmbeddingFor(text);
      if (embedding.vector.length !== dimensions) {
        throw new CairnError("internal:model", `The embedder returned ${embedding.vector.length} values, expected ${dimensions}.`, { reason: "bad_embedding" });
      }
      out.push(normalize(embedding.vector));
    }
    return out;
  }

  return {
    modelName,
    dimensions,
    maxTokens,
    countTokens,
    async embed(texts) {
      texts.forEach((text, i) => {
        if (text.trim() === "") {
          throw new CairnError("bad_request:model", `Text ${i + 1} is empty; there is nothing to embed.`, { reason: "empty_input" });
        }
        const n = countTokens(text);
        if (n > maxTokens) {
          throw new CairnError("payload_too_large:model", `Text ${i + 1} is ${n} tokens; the embedder ${modelName} accepts at most ${maxTokens}. Split it into smaller chunks.`, {
            reason: "input_too_long",
          });
        }
      });
      if (texts.length === 0) return [];
      return queue.run(() => embedNow(texts));
    },
    async dispose() {
      // Queued like an embedding: batches already waiting finish first.
      await queue.run(async () => {
        await context.dispose();
        await model.dispose();
      });
    },
  };
}
