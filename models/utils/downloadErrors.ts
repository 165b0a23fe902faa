import { CairnError } from "@/core/errors";

const mb = (n: number) => `${(n / 1_000_000).toFixed(1)} MB`;

/** A non-2xx answer, worded for the person running the download. */
export function httpStatusError(status: number, statusText: string, url: string): CairnError {
  const what = `${url} answered HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
  if (status === 404) {
    return new CairnError("not_found:download", `Download failed: ${what}; the file is not there (wrong name, or CAIRN_HF_BASE_URL points at the wrong server).`, {
      reason: "http_404",
    });
  }
  if (status === 401 || status === 403) {
    return new CairnError("forbidden:download", `Download failed: ${what}; the server refuses access to this file.`, { reason: `http_${status}` });
  }
  if (status >= 500) {
    return new CairnError("unavailable:download", `Download failed: ${what}; the server has a problem, try again later (the download resumes).`, {
      reason: `http_${status}`,
    });
  }
  return new CairnError("unavailable:download", `Download failed: ${what}.`, { reason: `http_${status}` });
}

/**
 * Maps whatever a transfer threw (abort, ENOSPC, socket reset, refused connection) to one
 * CairnError. `receivedBytes` is what is safely in the `.part` file, kept for a resume.
 */
export function transferError(cause: unknown, ctx: { url: string; partPath: string; receivedBytes: number; aborted: boolean }): CairnError {
  if (cause instanceof CairnError) return cause;
  const kept = ctx.receivedBytes > 0 ? ` ${mb(ctx.receivedBytes)} kept in ${ctx.partPath}; running the same command again resumes from there.` : "";
  if (ctx.aborted) {
    return new CairnError("unavailable:download", `Download aborted.${kept}`, { reason: "aborted", cause });
  }
  const code = errorCode(cause);
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new CairnError("unavailable:download", `Disk full while writing ${ctx.partPath}: free some space, then run the same command again to resume.${kept}`, {
      reason: "disk_full",
      cause,
    });
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new CairnError("forbidden:download", `Cannot write ${ctx.partPath} (${code}): check the models directory permissions.`, {
      reason: "not_writable",
      cause,
    });
  }
  if (ctx.receivedBytes > 0 || isBodyTermination(cause)) {
    return new CairnError("unavailable:download", `Download interrupted (${describe(cause)}).${kept}`, { reason: "interrupted", cause });
  }
  return new CairnError("unavailable:download", `Cannot reach ${safeOrigin(ctx.url)}: ${describe(cause)}.`, { reason: "network", cause });
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function isBodyTermination(e: unknown): boolean {
  return e instanceof Error && /terminated|other side closed|premature close|ECONNRESET/i.test(`${e.message} ${describe(e)}`);
}

function describe(e: unknown): string {
  const parts: string[] = [];
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const c = cur as { message?: unknown; code?: unknown };
    const text = [typeof c.code === "string" ? c.code : "", typeof c.message === "string" ? c.message : ""].filter(Boolean).join(" ");
    if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.join(": ") || String(e);
}

function safeOrigin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : url;
}
