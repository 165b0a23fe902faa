const MAX_NAME_LENGTH = 200;

/**
 * Turns whatever a client or a directory sent as a file name into a safe display name:
 * no path parts, no control characters, bounded length, extension kept. The name is only
 * ever shown; files are stored under their sha256, never under this name.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.normalize("NFC");
  name = name.split(/[\\/]/).pop() ?? "";
  // Control characters (\p{Cc}: U+0000–U+001F, U+007F–U+009F), zero-width marks and bidi overrides.
  name = name.replace(/[\p{Cc}\u200b-\u200f\u202a-\u202e\u2066-\u2069]/gu, "");
  name = name.replace(/^[.\s]+|[.\s]+$/g, "");
  if (name.length > MAX_NAME_LENGTH) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
    name = name.slice(0, MAX_NAME_LENGTH - ext.length).trimEnd() + ext;
  }
  return name || "untitled";
}
