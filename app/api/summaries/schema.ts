import { z } from "zod";
import { SUMMARY_PRESETS } from "@/lib/summarize";

export const summaryBody = z
  .object({
    documentId: z.string().min(1).max(100),
    preset: z.enum(Object.keys(SUMMARY_PRESETS) as [keyof typeof SUMMARY_PRESETS, ...(keyof typeof SUMMARY_PRESETS)[]]).optional(),
    instruction: z.string().trim().max(2000).optional(),
  })
  .strict();
