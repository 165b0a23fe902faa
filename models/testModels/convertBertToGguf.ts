import { readFile } from "node:fs/promises";
import path from "node:path";
import { CairnError } from "@/core/errors";
import { float32ArrayToFloat16Buffer } from "./float16";
import { GGML_TYPE, writeGguf, type GgufTensor, type GgufValue } from "./ggufWriter";
import { Q8_0_BLOCK, quantizeQ8_0 } from "./q8_0";
import { readSafetensors, tensorAsFloat32 } from "./safetensors";

// Converts a sentence-transformers BERT folder (model.safetensors, config.json, tokenizer.json,
// 1_Pooling/config.json) into the GGUF layout llama.cpp's convert_hf_to_gguf.py writes for
// BertModel, so node-llama-cpp loads it as architecture "bert" with mean pooling.
// Matrices become F16 (or Q8_0 with { type: "q8_0" }, as llama-quantize would make them: rows of a
// multiple of 32); 1-D tensors, position and token-type embeddings stay F32 (as convert does).

export type BertGgufType = "f16" | "q8_0";
// llama_ftype: the file's predominant tensor type.
const FILE_TYPE: Record<BertGgufType, number> = { f16: 1, q8_0: 7 };

const TOKEN_TYPE = { NORMAL: 1, CONTROL: 3 } as const;
const POOLING = { MEAN: 1, CLS: 2 } as const;

interface BertConfig {
  hidden_size: number;
  intermediate_size: number;
  num_attention_heads: number;
  num_hidden_layers: number;
  max_position_embeddings: number;
  layer_norm_eps: number;
  type_vocab_size?: number;
  hidden_act: string;
  position_embedding_type?: string;
}

interface TokenizerJson {
  model: { type: string; vocab: Record<string, number> };
  added_tokens: { id: number; content: string; special: boolean }[];
}

const layerTensorNames: Record<string, string> = {
  "attention.self.query": "attn_q",
  "attention.self.key": "attn_k",
  "attention.self.value": "attn_v",
  "attention.output.dense": "attn_output",
  "attention.output.LayerNorm": "attn_output_norm",
  "intermediate.dense": "ffn_up",
  "output.dense": "ffn_down",
  "output.LayerNorm": "layer_output_norm",
};

const embeddingTensorNames: Record<string, string> = {
  "embeddings.word_embeddings": "token_embd",
  "embeddings.token_type_embeddings": "token_types",
  "embeddings.position_embeddings": "position_embd",
  "embeddings.LayerNorm": "token_embd_norm",
};

/** Hugging Face tensor name -> GGUF name, or null for tensors an embedder does not use. */
export function ggufTensorName(hfName: string): string | null {
  const name = hfName.startsWith("bert.") ? hfName.slice(5) : hfName;
  if (name === "embeddings.position_ids" || name.startsWith("pooler.")) return null;
  const suffix = name.endsWith(".weight") ? "weight" : name.endsWith(".bias") ? "bias" : null;
  if (!suffix) return unknownTensor(hfName);
  const base = name.slice(0, -(suffix.length + 1));
  if (embeddingTensorNames[base]) return `${embeddingTensorNames[base]}.${suffix}`;
  const m = /^encoder\.layer\.(\d+)\.(.+)$/.exec(base);
  if (m && layerTensorNames[m[2]!]) return `blk.${m[1]}.${layerTensorNames[m[2]!]}.${suffix}`;
  return unknownTensor(hfName);
}

function unknownTensor(hfName: string): never {
  throw new CairnError("unprocessable:model", `Unexpected tensor ${hfName} in the BERT checkpoint.`, { reason: "unknown_tensor" });
}

/** WordPiece vocabulary -> llama.cpp's "phantom space" form: "##x" -> "x", words -> "\u2581word". */
export function phantomVocab(tokenizer: TokenizerJson): { tokens: string[]; types: number[] } {
  const vocab = tokenizer.model.vocab;
  const size = Math.max(...Object.values(vocab)) + 1;
  const byId: string[] = new Array(size);
  for (const [tok, id] of Object.entries(vocab)) byId[id] = tok;
  const special = new Set(tokenizer.added_tokens.filter((t) => t.special).map((t) => t.id));
  const tokens: string[] = [];
  const types: number[] = [];
  for (let id = 0; id < size; id++) {
    const tok = byId[id];
    if (tok === undefined) throw new CairnError("unprocessable:model", `Vocabulary has no token with id ${id}.`, { reason: "bad_vocab" });
    if (special.has(id)) {
      tokens.push(tok);
      types.push(TOKEN_TYPE.CONTROL);
    } else {
      tokens.push(tok.startsWith("##") ? tok.slice(2) : "\u2581" + tok);
      types.push(TOKEN_TYPE.NORMAL);
    }
  }
  if (new Set(tokens).size !== tokens.length) {
    throw new CairnError("unprocessable:model", "Vocabulary has duplicate tokens after conversion.", { reason: "bad_vocab" });
  }
  return { tokens, types };
}

export async function convertBertToGguf(modelDir: string, outFile: string, name: string, opts: { type?: BertGgufType } = {}): Promise<void> {
  const fileType = opts.type ?? "f16";
  const readJson = async <T>(rel: string) => JSON.parse(await readFile(path.join(modelDir, rel), "utf8")) as T;
  const cfg = await readJson<BertConfig>("config.json");
  const tokenizer = await readJson<TokenizerJson>("tokenizer.json");
  const pooling = await readJson<{ pooling_mode_mean_tokens?: boolean; pooling_mode_cls_token?: boolean }>("1_Pooling/config.json");
  if (tokenizer.model.type !== "WordPiece") {
    throw new CairnError("unprocessable:model", `Tokenizer is ${tokenizer.model.type}, expected WordPiece.`, { reason: "bad_vocab" });
  }
  if (cfg.hidden_act !== "gelu" || (cfg.position_embedding_type ?? "absolute") !== "absolute") {
    throw new CairnError("unprocessable:model", "Only plain BERT (gelu, absolute positions) is supported.", { reason: "unsupported_architecture" });
  }
  const poolingType = pooling.pooling_mode_mean_tokens ? POOLING.MEAN : pooling.pooling_mode_cls_token ? POOLING.CLS : null;
  if (poolingType === null) throw new CairnError("unprocessable:model", "Unsupported pooling mode.", { reason: "unsupported_pooling" });

  const { tokens, types } = phantomVocab(tokenizer);
  const idOf = (content: string) => {
    const t = tokenizer.added_tokens.find((a) => a.content === content);
    if (!t) throw new CairnError("unprocessable:model", `Tokenizer lacks ${content}.`, { reason: "bad_vocab" });
    return t.id;
  };
  const u32 = (value: number): GgufValue => ({ type: "u32", value });
  const metadata: [string, GgufValue][] = [
    ["general.architecture", { type: "string", value: "bert" }],
    ["general.type", { type: "string", value: "model" }],
    ["general.name", { type: "string", value: name }],
    ["general.file_type", u32(FILE_TYPE[fileType])],
    ["general.quantization_version", u32(2)],
    ["bert.block_count", u32(cfg.num_hidden_layers)],
    ["bert.context_length", u32(cfg.max_position_embeddings)],
    ["bert.embedding_length", u32(cfg.hidden_size)],
    ["bert.feed_forward_length", u32(cfg.intermediate_size)],
    ["bert.attention.head_count", u32(cfg.num_attention_heads)],
    ["bert.attention.layer_norm_epsilon", { type: "f32", value: cfg.layer_norm_eps }],
    ["bert.attention.causal", { type: "bool", value: false }],
    ["bert.pooling_type", u32(poolingType)],
    ["tokenizer.ggml.token_type_count", u32(cfg.type_vocab_size ?? 1)],
    ["tokenizer.ggml.model", { type: "string", value: "bert" }],
    ["tokenizer.ggml.pre", { type: "string", value: "bert-bge" }],
    ["tokenizer.ggml.tokens", { type: "string[]", value: tokens }],
    ["tokenizer.ggml.token_type", { type: "i32[]", value: types }],
    // As gguf-py's SpecialVocab derives them: [CLS] doubles as BOS and [SEP] as EOS.
    ["tokenizer.ggml.bos_token_id", u32(idOf("[CLS]"))],
    ["tokenizer.ggml.eos_token_id", u32(idOf("[SEP]"))],
    ["tokenizer.ggml.unknown_token_id", u32(idOf("[UNK]"))],
    ["tokenizer.ggml.seperator_token_id", u32(idOf("[SEP]"))],
    ["tokenizer.ggml.padding_token_id", u32(idOf("[PAD]"))],
    ["tokenizer.ggml.mask_token_id", u32(idOf("[MASK]"))],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: true }],
  ];

  const source = await readSafetensors(path.join(modelDir, "model.safetensors"));
  const tensors: GgufTensor[] = [];
  for (const t of source.values()) {
    const ggufName = ggufTensorName(t.name);
    if (!ggufName) continue;
    const values = tensorAsFloat32(t);
    const keepF32 = t.shape.length <= 1 || ggufName.startsWith("position_embd") || ggufName.startsWith("token_types");
    const q8 = !keepF32 && fileType === "q8_0" && t.shape.at(-1)! % Q8_0_BLOCK === 0;
    tensors.push({
      name: ggufName,
      shape: t.shape,
      ggmlType: keepF32 ? GGML_TYPE.F32 : q8 ? GGML_TYPE.Q8_0 : GGML_TYPE.F16,
      data: keepF32 ? Buffer.from(values.buffer, values.byteOffset, values.byteLength) : q8 ? quantizeQ8_0(values) : float32ArrayToFloat16Buffer(values),
    });
  }
  const expected = 5 + 16 * cfg.num_hidden_layers;
  if (tensors.length !== expected) {
    throw new CairnError("unprocessable:model", `Expected ${expected} tensors, found ${tensors.length}.`, { reason: "unknown_tensor" });
  }
  await writeGguf(outFile, metadata, tensors);
}
