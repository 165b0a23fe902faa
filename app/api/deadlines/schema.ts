import { z } from "zod";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD");

export const deadlinesBody = z
  .object({
    documentIds: z.array(z.string().min(1).max(100)).min(1).max(200).optional(),
    collectionId: z.string().min(1).max(100).optional(),
    anchorDate: isoDate.optional(),
    /** Let the LLM say who must do what (slower); false gives the deterministic table alone. */
    annotate: z.boolean().default(true),
  })
  .strict()
  .refine((b) => b.documentIds || b.collectionId, "give documentIds or collectionId");

const exportRow = z.object({
  fileName: z.string().max(500),
  page: z.number().int().nullable(),
  party: z.string().max(500).nullable(),
  obligation: z.string().max(2000).nullable(),
  deadline: z.string().max(2000),
  resolvedDate: isoDate.nullable(),
  clause: z.string().max(5000),
  link: z.string().max(2000).regex(/^\/view\//, "a link into the passage viewer"),
});

export const exportBody = z.object({ format: z.enum(["csv", "ics"]), rows: z.array(exportRow).min(1).max(5000) }).strict();
