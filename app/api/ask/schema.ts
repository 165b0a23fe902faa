import { z } from "zod";

export const collectionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "collection ids are 1-64 letters, digits, _ or -");

export const MAX_QUESTION_CHARS = 2000;

export const askBody = z.object({
  question: z
    .string()
    .trim()
    .min(1, "please type a question")
    .max(MAX_QUESTION_CHARS, `questions are at most ${MAX_QUESTION_CHARS} characters`),
  chatId: z.string().uuid("chat ids are UUIDs").optional(),
  /** Narrows the search to these collections; intersected with what the caller may read. */
  collections: z.array(collectionId).min(1).max(100).optional(),
  /** Prefer no document the question names: "ask across all documents" on an answer. */
  widen: z.boolean().optional(),
});

export type AskBody = z.infer<typeof askBody>;
