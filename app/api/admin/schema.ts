import { z } from "zod";

export const userId = z.string().min(1).max(64);

export const createUserBody = z.strictObject({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  isAdmin: z.boolean().optional(),
});

export const updateUserBody = z.strictObject({
  isAdmin: z.boolean().optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(1).max(1024).optional(),
});

export const createCollectionBody = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "collection ids are 1-64 letters, digits, _ or -"),
  name: z.string().trim().min(1).max(100),
});

export const membershipBody = z.strictObject({
  collectionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "collection ids are 1-64 letters, digits, _ or -"),
  userId,
  /** null removes the membership. */
  role: z.enum(["owner", "editor", "reader"]).nullable(),
});
