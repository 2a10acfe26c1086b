// Whether a chosen file is a session backup (GET /api/sessions/:id/archive) rather than a
// transcript: told by its `format` field, as the server tells them, not by its name (a backup
// renamed to .json is one still, and a transcript named *.bsarchive.json is not).

/** The `format` a session backup carries (server/ingest/archive.ts ARCHIVE_FORMAT). */
export const ARCHIVE_FORMAT = 'buying-signals-archive';

/**
 * Whether the bytes are a JSON object whose `format` is ARCHIVE_FORMAT. Only a text that opens
 * with `{` (after a BOM and whitespace) and names the format anywhere is parsed, so a transcript
 * is never parsed here; one that does not parse is no backup (the transcript upload then words
 * what is wrong with it).
 */
export function isArchiveFile(bytes: ArrayBuffer): boolean {
  const text = new TextDecoder('utf-8').decode(bytes);
  if (!/^\uFEFF?\s*\{/.test(text) || !text.includes(ARCHIVE_FORMAT)) return false;
  try {
    const value = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === ARCHIVE_FORMAT;
  } catch {
    return false;
  }
}
