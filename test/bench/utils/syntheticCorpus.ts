import type { ChunkRecord } from "@/vectorstore/types";
import { rng } from "../../utils/rng";
export { rng };

// A synthetic corpus with structure, so ANN recall and BM25 ranking mean something:
// chunks belong to topics; a topic has a direction in embedding space and its own words.

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Real sentence embeddings have low intrinsic dimension: isotropic 384-d noise would
 * put every chunk of a topic at the same distance from a query, which makes "recall"
 * meaningless. So vectors live in a small latent space, projected to `dimensions`.
 */
export const LATENT_DIMS = 24;

export class Projection {
  private readonly w: Float32Array;
  constructor(readonly dimensions: number, random: () => number) {
    this.w = Float32Array.from({ length: dimensions * LATENT_DIMS }, () => gaussian(random));
  }
  /** normalize(W · latent + a little full-dimension noise). */
  embed(latent: Float32Array, random: () => number): Float32Array {
    const v = new Float32Array(this.dimensions);
    let norm = 0;
    for (let i = 0; i < this.dimensions; i++) {
      let x = 0.05 * gaussian(random);
      for (let j = 0; j < LATENT_DIMS; j++) x += this.w[i * LATENT_DIMS + j] * latent[j];
      norm += (v[i] = x) ** 2;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < this.dimensions; i++) v[i] /= norm;
    return v;
  }
}

export function jitter(latent: Float32Array, spread: number, random: () => number): Float32Array {
  return latent.map((x) => x + spread * gaussian(random));
}

const SYLLABLES = ["ka", "lo", "mi", "ten", "ro", "su", "val", "pe", "dor", "ni", "bra", "qu", "zet", "fa", "gil", "hu", "or", "ex", "ul", "sy"];

/** `count` distinct pronounceable words, deterministic. */
export function wordList(count: number): string[] {
  const words = new Set<string>();
  const random = rng(12345);
  while (words.size < count) {
    const n = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length: n }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(""));
  }
  return [...words];
}

export interface Corpus {
  topics: { center: Float32Array; words: string[] }[];
  projection: Projection;
  common: string[];
  dimensions: number;
  collections: string[];
}

export function makeCorpus(dimensions: number, topicCount: number, collectionCount: number): Corpus {
  const random = rng(99);
  const words = wordList(topicCount * 6 + 400);
  const common = words.slice(0, 400);
  const topics = Array.from({ length: topicCount }, (_, t) => ({
    center: Float32Array.from({ length: LATENT_DIMS }, () => gaussian(random)),
    words: words.slice(400 + t * 6, 400 + (t + 1) * 6),
  }));
  return { topics, projection: new Projection(dimensions, random), common, dimensions, collections: Array.from({ length: collectionCount }, (_, c) => `col${c}`) };
}

/** One document's chunks: a document has one topic and lives in one collection. */
export function makeDocument(corpus: Corpus, docIndex: number, chunkCount: number, random: () => number): ChunkRecord[] {
  const topic = corpus.topics[Math.floor(random() * corpus.topics.length)];
  const documentId = `doc${docIndex}`;
  const collectionId = corpus.collections[docIndex % corpus.collections.length];
  const docLatent = jitter(topic.center, 0.5, random);
  return Array.from({ length: chunkCount }, (_, ordinal) => {
    // ~120 words: mostly common words, a few topic words.
    const text = Array.from({ length: 120 }, () =>
      random() < 0.06 ? topic.words[Math.floor(random() * topic.words.length)] : corpus.common[Math.floor(random() * corpus.common.length)],
    ).join(" ");
    return {
      id: `${documentId}:${ordinal}`,
      documentId,
      collectionId,
      documentSha256: "0".repeat(64),
      ordinal,
      page: 1 + Math.floor(ordinal / 3),
      headingPath: "",
      charStart: 0,
      charEnd: text.length,
      tokenCount: 120,
      text,
      // A context header as ingestion writes one (title, parties, section), searched with the text; no random draws, so the corpus is unchanged.
      context: `${topic.words[0]} ${topic.words[1]} report ${docIndex}\nParties: Party${docIndex} Ltd; Counterparty${docIndex % 97} Inc\nSection: ${1 + (ordinal % 12)}. ${topic.words[2]} ${ordinal}`,
      vector: corpus.projection.embed(jitter(docLatent, 0.5, random), random),
    };
  });
}

export function makeQuery(corpus: Corpus, random: () => number): { text: string; vector: Float32Array; collections: string[] } {
  const topic = corpus.topics[Math.floor(random() * corpus.topics.length)];
  const text = [topic.words[Math.floor(random() * 6)], topic.words[Math.floor(random() * 6)], corpus.common[Math.floor(random() * 400)]].join(" ");
  return { text, vector: corpus.projection.embed(jitter(topic.center, 0.7, random), random), collections: [corpus.collections[Math.floor(random() * corpus.collections.length)]] };
}
