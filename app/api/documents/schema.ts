import { z } from "zod";

export const uploadQuery = z.object({
  collection: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "collection ids are 1-64 letters, digits, _ or -").default("default"),
});

export const documentId = z.string().uuid("document ids are UUIDs");
