import type { ChatMessage, GenerateOptions, GenerationResult, LanguageModel } from "@/models/types";

// A recording wrapper around a REAL language model (never a stand-in for one): every call is
// delegated to the real model, and recorded — the messages it was given, the pieces it wrote,
// when. A test that needs the model to do one specific thing (write a marker, still be generating
// when a client disconnects) steers it here, deterministically, so the test checks Cairn and not
// what a small model happens to write on this CPU.

export interface Steering {
  /** Pieces delivered just before the model's first piece, as if it had begun with them; from the prompt if a function. */
  prefix?: string[] | ((messages: ChatMessage[]) => string[]);
  /** Pieces slipped into the stream (and the text) right after the model's first piece. */
  afterFirstPiece?: string[];
  /** A line appended after everything the model wrote, streamed as its last piece. */
  appendLine?: string;
  /** Called (synchronously, inside the model's token callback) when the model writes its first piece. */
  onFirstPiece?: () => void;
  /** The call is handed to the real model only once this settles (e.g. another call is generating). */
  startAfter?: Promise<unknown>;
}

export interface RecordedCall {
  messages: ChatMessage[];
  options: GenerateOptions;
  /** What the real model wrote, piece by piece (steered pieces not included). */
  modelPieces: string[];
  /** What the caller received through onToken, steered pieces included. */
  deliveredPieces: string[];
  /** performance.now(): generate() called, handed to the real model, its first and last piece, generate() returned. */
  calledAt: number;
  delegatedAt: number | null;
  firstPieceAt: number | null;
  lastPieceAt: number | null;
  returnedAt: number | null;
  /** The real model's result, with `text` as the caller received it (steered pieces included). */
  result: GenerationResult | null;
}

export interface RecordingModel extends LanguageModel {
  readonly calls: RecordedCall[];
  /** Applies to calls made from now on; null for none. */
  steering: Steering | null;
}

export function recordingModel(model: LanguageModel, steering: Steering | null = null): RecordingModel {
  const calls: RecordedCall[] = [];
  const wrapper: RecordingModel = {
    modelName: model.modelName,
    contextSize: model.contextSize,
    calls,
    steering,
    countTokens: (text) => model.countTokens(text),
    async generate(messages, opts = {}) {
      const steer = wrapper.steering ?? {};
      const call: RecordedCall = {
        messages,
        options: opts,
        modelPieces: [],
        deliveredPieces: [],
        calledAt: performance.now(),
        delegatedAt: null,
        firstPieceAt: null,
        lastPieceAt: null,
        returnedAt: null,
        result: null,
      };
      calls.push(call);
      let text = "";
      const deliver = (piece: string) => {
        text += piece;
        call.deliveredPieces.push(piece);
        opts.onToken?.(piece);
      };
      const prefix = typeof steer.prefix === "function" ? steer.prefix(messages) : (steer.prefix ?? []);
      await steer.startAfter;
      call.delegatedAt = performance.now();
      const res = await model.generate(messages, {
        ...opts,
        onToken: (piece) => {
          const now = performance.now();
          const first = call.firstPieceAt === null;
          call.firstPieceAt ??= now;
          call.lastPieceAt = now;
          call.modelPieces.push(piece);
          if (first) for (const p of prefix) deliver(p);
          deliver(piece);
          if (first) {
            for (const extra of steer.afterFirstPiece ?? []) deliver(extra);
            steer.onFirstPiece?.();
          }
        },
      });
      if (res.text !== call.modelPieces.join("")) {
        throw new Error(`The real model's text differs from its streamed pieces: ${JSON.stringify(res.text)}`);
      }
      // A model that ended at once still gets the pieces it was to be given.
      if (call.firstPieceAt === null) for (const extra of [...prefix, ...(steer.afterFirstPiece ?? [])]) deliver(extra);
      if (steer.appendLine !== undefined) deliver(`\n${steer.appendLine}`);
      call.returnedAt = performance.now();
      call.result = { ...res, text };
      return call.result;
    },
  };
  return wrapper;
}
