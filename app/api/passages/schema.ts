import { z } from "zod";

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).optional(),
});
