import type { Server } from "node:http";

export function startFrontServer(opts: {
  host: string;
  port: number;
  upstreamPort: number;
  cert?: string;
  key?: string;
  trustProxy?: boolean;
}): Promise<Server>;
