// What can be known of a frame from its size and first bytes, synchronously, before it is
// queued: empty, over the byte limit, or not JPEG/PNG/WebP. A frame refused here gets an
// answer its sender can match (the socket ack, the HTTP response) instead of failing later
// in a pose worker; bytes that pass can still be corrupt further in (decode.ts says so).
import { DEFAULT_DECODE_LIMITS } from './constants';
import { ImageError } from './errors';

const ACCEPTED = 'JPEG, PNG or WebP';

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * The format taken whose signature the bytes start with (sharp's name for it), or undefined.
 * Bytes that say JPEG, PNG or WebP but that sharp cannot read are corrupt, not another format.
 */
export function acceptedFormatOf(b: Uint8Array): 'jpeg' | 'png' | 'webp' | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg'; // SOI + first marker
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

/** A few formats people send by mistake, named in the refusal. */
function otherFormat(b: Uint8Array): string | undefined {
  if (startsWith(b, ascii('GIF8'))) return 'GIF';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (startsWith(b, ascii('BM'))) return 'BMP';
  if (startsWith(b, ascii('ftyp'), 4)) return 'HEIF/AVIF (or another ISO media file)';
  return undefined;
}

export function checkImageHeader(bytes: Uint8Array, maxBytes: number = DEFAULT_DECODE_LIMITS.maxBytes): void {
  if (bytes.length === 0) throw new ImageError('image_empty', `image is empty (0 bytes); send ${ACCEPTED} bytes`);
  if (bytes.length > maxBytes) throw new ImageError('image_too_large', `image is ${bytes.length} bytes; the limit is ${maxBytes} bytes`);
  if (acceptedFormatOf(bytes)) return;
  const other = otherFormat(bytes);
  if (other) throw new ImageError('image_unsupported_format', `image is ${other}, not ${ACCEPTED}`);
  const head = [...bytes.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  throw new ImageError('image_unsupported_format', `image is not ${ACCEPTED} (it starts with ${head})`);
}
