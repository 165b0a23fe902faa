import { z } from "zod";

export const loginBody = z.strictObject({
  name: z.string().min(1, "please enter your user name").max(64),
  password: z.string().min(1, "please enter your password").max(1024),
});

export const apiKeyBody = z.strictObject({ name: z.string().trim().min(1, "name the key").max(100) });

export const apiKeyId = z.string().uuid("API key ids are UUIDs");

export const passwordBody = z.strictObject({
  current: z.string().min(1, "enter your current password").max(1024),
  next: z.string().min(1, "enter a new password").max(1024),
});
