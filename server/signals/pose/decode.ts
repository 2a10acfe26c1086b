// Turns uploaded frame bytes into the RGB pixels the estimators take: checks size and format
// before decoding (a PNG bomb is stopped by its header), applies EXIF orientation, and shrinks
// large frames, since the models look at 256 px crops anyway.
import sharp, { type Metadata } from 'sharp';
import { DEFAULT_DECODE_LIMITS, SUPPORTED_IMAGE_FORMATS } from './constants';
import { ImageError } from './errors';
import { acceptedFormatOf } from './sniff';
import type { RgbImage } from './types';

export interface DecodeLimits {
  /** Largest encoded input accepted, bytes (default 8 MiB). */
  maxBytes: number;
  /** Largest decoded image, pixels (default 40 MP). */
  maxPixels: number;
  /** Long side of the output, px: larger images are scaled down keeping their aspect ratio (default 1280). */
  maxSide: number;
  /** sharp format names accepted (default JPEG, PNG, WebP: what the network boundaries take). */
  formats: readonly string[];
}

export async function decodeImage(bytes: Buffer | Uint8Array, limits: Partial<DecodeLimits> = {}): Promise<RgbImage> {
  const { maxBytes, maxPixels, maxSide, formats } = { ...DEFAULT_DECODE_LIMITS, formats: SUPPORTED_IMAGE_FORMATS, ...limits };
  if (bytes.length === 0) throw new ImageError('image_empty', 'image is empty (0 bytes)');
  if (bytes.length > maxBytes) {
    throw new ImageError('image_too_large', `image is ${bytes.length} bytes; the limit is ${maxBytes} bytes`);
  }
  const options = { limitInputPixels: maxPixels, failOn: 'error' } as const;
  let meta: Metadata;
  try {
    // Headers only, nothing inflated: safe without the pixel limit, and lets the error below
    // name the real dimensions.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    if (/pixel limit/i.test(errorText(err))) {
      throw new ImageError('image_too_many_pixels', `image exceeds the limit of ${maxPixels} pixels`);
    }
    // Its first bytes say JPEG, PNG or WebP but its header cannot be read: a damaged file of a
    // format taken (400 image_corrupt), not a format we do not take (415).
    const signed = acceptedFormatOf(bytes);
    if (signed && formats.includes(signed)) {
      throw new ImageError('image_corrupt', `${FORMAT_NAMES[signed] ?? signed} image could not be decoded: ${errorText(err)}`);
    }
    throw new ImageError(
      'image_unsupported_format',
      `not a recognised image (${errorText(err)}); send ${formatList(formats)}`,
    );
  }
  const format = meta.format as string | undefined;
  if (!format || !formats.includes(format)) {
    throw new ImageError(
      'image_unsupported_format',
      `image format ${format ?? 'unknown'} is not supported; send ${formats.join(', ')}`,
    );
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > maxPixels) {
    throw new ImageError(
      'image_too_many_pixels',
      `image is ${meta.width}x${meta.height} = ${pixels} pixels; the limit is ${maxPixels} pixels`,
    );
  }
  try {
    const { data, info } = await sharp(bytes, options)
      .rotate() // EXIF orientation: phones store portrait frames sideways
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb') // greyscale inputs come out as 3 channels too
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    const text = errorText(err);
    if (/pixel limit/i.test(text)) {
      throw new ImageError('image_too_many_pixels', `image exceeds the limit of ${maxPixels} pixels (${text})`);
    }
    throw new ImageError('image_corrupt', `${FORMAT_NAMES[format] ?? format.toUpperCase()} image could not be decoded: ${text}`);
  }
}

const FORMAT_NAMES: Record<string, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', tiff: 'TIFF', gif: 'GIF', heif: 'HEIF/AVIF' };

/** "JPEG, PNG or WebP". */
function formatList(formats: readonly string[]): string {
  const names = formats.map((f) => FORMAT_NAMES[f] ?? f.toUpperCase());
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.trim() ?? text;
}
