import OpenAI, { NotFoundError } from "openai";
import { CairnError } from "@/core/errors";
import { normalize } from "./embedder";
import { estimateTokens, unreachable } from "./remoteLlm";
import type { Embedder } from "./types";
import { getLlamaInstance } from "./utils/llamaInstance";

// The embedder on another machine: any OpenAI-compatible /embeddings (llama.cpp's server with
// --embeddings, vLLM, Ollama, another Cairn's /v1), selected by CAIRN_EMBED_URL. Same contract
// as the in-process one: unit vectors, a fixed width (probed once), inputs over maxTokens refused
// before sending. countTokens must be synchronous (the chunker sizes chunks with it): a
// vocabulary-only GGUF of the same model, plus the [CLS]/[SEP] a BERT embedder adds, or an over-estimate.

export interface RemoteEmbedderOptions {
  baseURL: string;
  apiKey?: string;
  /** Default: the first model the server lists that embeds (another Cairn lists its LLM too). */
  model?: string;
  timeoutMs: number;
  maxTokens: number;
  maxRetries?: number;
  tokenizerPath?: string;
}

export interface RemoteEmbedder extends Embedder {
  readonly baseURL: string;
  dispose(): Promise<void>;
}

const BATCH = 64;
const WHAT = "embedding server";

export async function connectRemoteEmbedder(options: RemoteEmbedderOptions): Promise<RemoteEmbedder> {
  const { baseURL, maxTokens } = options;
  const client = new OpenAI({ baseURL, apiKey: options.apiKey ?? "none", timeout: options.timeoutMs, maxRetries: options.maxRetries ?? 2 });
  const call = async (model: string, input: string[]): Promise<Float32Array[]> => {
    const r = await client.embeddings.create({ model, input, encoding_format: "float" });
    return [...r.data].sort((a, b) => a.index - b.index).map((d) => normalize(d.embedding));
  };

  // The model, and the width of its vectors, from one probe.
  let modelName = options.model;
  let dimensions = 0;
  try {
    const candidates = modelName ? [modelName] : (await client.models.list()).data.map((m) => m.id).filter((id) => id !== "cairn");
    for (const id of candidates) {
      try {
        dimensions = (await call(id, ["dimension probe"]))[0]!.length;
        modelName = id;
        break;
      } catch (e) {
        // Another Cairn lists its LLM before its embedder: not an embedding model, try the next.
        if (!(e instanceof NotFoundError) || options.model) throw e;
      }
    }
  } catch (e) {
    throw unreachable(baseURL, e, WHAT);
  }
  if (!modelName || !dimensions) throw new CairnError("unavailable:model", `The ${WHAT} at ${baseURL} lists no embedding model; set CAIRN_EMBED_REMOTE_MODEL.`, { reason: "remote_no_model" });

  let countTokens = estimateTokens;
  let disposeTokenizer = async () => {};
  if (options.tokenizerPath) {
    const vocab = await (await getLlamaInstance()).loadModel({ modelPath: options.tokenizerPath, vocabOnly: true });
    // The two special tokens a BERT-family embedder wraps every input in.
    countTokens = (text) => vocab.tokenize(text).length + 2;
    disposeTokenizer = () => vocab.dispose();
  }

  return {
    baseURL,
    modelName,
    dimensions,
    maxTokens,
    countTokens: (text) => countTokens(text),
    async embed(texts) {
      texts.forEach((text, i) => {
        if (text.trim() === "") throw new CairnError("bad_request:model", `Text ${i + 1} is empty; there is nothing to embed.`, { reason: "empty_input" });
        const n = countTokens(text);
        if (n > maxTokens) {
          throw new CairnError("payload_too_large:model", `Text ${i + 1} is ${n} tokens; the embedder ${modelName} accepts at most ${maxTokens}. Split it into smaller chunks.`, {
            reason: "input_too_long",
          });
        }
      });
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        let vectors: Float32Array[];
        try {
          vectors = await call(modelName!, texts.slice(i, i + BATCH));
        } catch (e) {
          throw unreachable(baseURL, e, WHAT);
        }
        for (const v of vectors) {
          if (v.length !== dimensions) throw new CairnError("internal:model", `The ${WHAT} returned ${v.length} values, expected ${dimensions}.`, { reason: "bad_embedding" });
        }
        out.push(...vectors);
      }
      return out;
    },
    dispose: () => disposeTokenizer(),
  };
}
