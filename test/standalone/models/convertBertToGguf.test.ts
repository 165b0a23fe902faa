import { describe, expect, it } from "vitest";
import { ggufTensorName, phantomVocab } from "@/models/testModels/convertBertToGguf";
import { float32ToFloat16Bits } from "@/models/testModels/float16";

describe("BERT -> GGUF conversion helpers", () => {
  it("maps Hugging Face tensor names to llama.cpp's BERT names", () => {
    expect(ggufTensorName("embeddings.word_embeddings.weight")).toBe("token_embd.weight");
    expect(ggufTensorName("embeddings.LayerNorm.bias")).toBe("token_embd_norm.bias");
    expect(ggufTensorName("encoder.layer.3.attention.self.query.bias")).toBe("blk.3.attn_q.bias");
    expect(ggufTensorName("encoder.layer.0.attention.output.LayerNorm.weight")).toBe("blk.0.attn_output_norm.weight");
    expect(ggufTensorName("encoder.layer.5.output.dense.weight")).toBe("blk.5.ffn_down.weight");
    expect(ggufTensorName("pooler.dense.weight")).toBeNull();
    expect(ggufTensorName("embeddings.position_ids")).toBeNull();
    expect(() => ggufTensorName("encoder.layer.0.mystery.weight")).toThrow(/Unexpected tensor/);
  });

  it("converts WordPiece tokens to phantom-space form, leaving special tokens alone", () => {
    const { tokens, types } = phantomVocab({
      model: { type: "WordPiece", vocab: { "[PAD]": 0, "[CLS]": 1, hello: 2, "##ing": 3 } },
      added_tokens: [
        { id: 0, content: "[PAD]", special: true },
        { id: 1, content: "[CLS]", special: true },
      ],
    });
    expect(tokens).toEqual(["[PAD]", "[CLS]", "\u2581hello", "ing"]);
    expect(types).toEqual([3, 3, 1, 1]);
  });

  it("rounds float32 to float16 to nearest even", () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway, rounds to even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, rounds up to even
  });
});
