// A real HTTP file server on 127.0.0.1 with switchable misbehaviour, standing in for Hugging Face.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ServerBehaviour {
  /** Honour Range headers (otherwise always 200 with the whole file). */
  supportsRange: boolean;
  /** Answer every request with this status and no body. */
  failWithStatus: number | null;
  /** Destroy the socket after this many body bytes, for the next request only. */
  cutNextAfterBytes: number | null;
  /** Send the body in 64 kB slices this many ms apart (0 = all at once). */
  sliceDelayMs: number;
}

export interface RequestLog {
  path: string;
  range: string | undefined;
  status: number;
}

export interface RangeServer {
  url: string;
  behaviour: ServerBehaviour;
  requests: RequestLog[];
  /** Cuts every open transfer at once, as a dropped network would; the server keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Serves `files` (URL path → bytes); `/redirect/<path>` answers 302 to `<path>`, like HF's CDN hop. */
export async function startRangeServer(files: Record<string, Buffer>): Promise<RangeServer> {
  const behaviour: ServerBehaviour = { supportsRange: true, failWithStatus: null, cutNextAfterBytes: null, sliceDelayMs: 0 };
  const requests: RequestLog[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const log = (status: number) => requests.push({ path: url, range: req.headers.range, status });
    if (url.startsWith("/redirect/")) {
      log(302);
      res.writeHead(302, { Location: url.slice("/redirect".length) }).end();
      return;
    }
    if (behaviour.failWithStatus) {
      log(behaviour.failWithStatus);
      res.writeHead(behaviour.failWithStatus, { "Content-Type": "text/plain" }).end("nope");
      return;
    }
    const file = files[url];
    if (!file) {
      log(404);
      res.writeHead(404).end("Entry not found");
      return;
    }
    let start = 0;
    let end = file.length - 1;
    let status = 200;
    const match = behaviour.supportsRange ? req.headers.range?.match(/^bytes=(\d+)-(\d*)$/) : null;
    if (match) {
      start = Number(match[1]);
      if (match[2]) end = Math.min(end, Number(match[2]));
      if (start >= file.length) {
        log(416);
        res.writeHead(416, { "Content-Range": `bytes */${file.length}` }).end();
        return;
      }
      status = 206;
    }
    log(status);
    const body = file.subarray(start, end + 1);
    res.writeHead(status, {
      "Content-Length": String(body.length),
      "Content-Type": "application/octet-stream",
      ...(behaviour.supportsRange ? { "Accept-Ranges": "bytes" } : {}),
      ...(status === 206 ? { "Content-Range": `bytes ${start}-${end}/${file.length}` } : {}),
    });
    const cut = behaviour.cutNextAfterBytes;
    behaviour.cutNextAfterBytes = null;
    if (cut !== null) {
      res.write(body.subarray(0, cut), () => res.destroy());
      return;
    }
    if (behaviour.sliceDelayMs === 0) {
      res.end(body);
      return;
    }
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write(body.subarray(offset, offset + 65_536));
      offset += 65_536;
      if (offset >= body.length) {
        clearInterval(timer);
        res.end();
      }
    }, behaviour.sliceDelayMs);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    behaviour,
    requests,
    dropConnections: () => server.closeAllConnections(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
