import { z } from "zod";

export const chatId = z.string().uuid("chat ids are UUIDs");
