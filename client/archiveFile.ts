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
  const text = new TextDecoder(encodingOf(bytes)).decode(bytes); // the BOM dropped
  if (!/^\s*\{/.test(text) || !text.includes(ARCHIVE_FORMAT)) return false;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === ARCHIVE_FORMAT;
  } catch {
    return false;
  }
}

/**
 * The file's encoding as its BOM says (the server reads UTF-16 with a BOM too): a backup saved
 * as UTF-16 by an editor read as UTF-8 was no backup here, so it went to the transcript upload.
 */
function encodingOf(bytes: ArrayBuffer): 'utf-8' | 'utf-16le' | 'utf-16be' {
  const [a, b] = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
  return a === 0xff && b === 0xfe ? 'utf-16le' : a === 0xfe && b === 0xff ? 'utf-16be' : 'utf-8';
}
