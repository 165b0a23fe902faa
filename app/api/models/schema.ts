import { z } from "zod";

export const modelName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, "model names are lower-case letters, digits, '.', '_' or '-'");

export const startDownloadBody = z.union([z.object({ name: modelName }).strict(), z.object({ defaults: z.literal(true) }).strict()]);

export const importQuery = z
  .object({
    name: modelName.optional(),
    role: z.enum(["llm", "embedder"]).optional(),
  })
  .strict();

export const selectBody = z.object({ role: z.enum(["llm", "embedder"]), name: modelName }).strict();
