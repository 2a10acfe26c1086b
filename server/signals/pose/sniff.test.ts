import sharp from 'sharp';
import { checkImageHeader } from './sniff';
import { ImageError } from './errors';

function codeOf(bytes: Uint8Array, maxBytes?: number): string | undefined {
  try {
    checkImageHeader(bytes, maxBytes);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).details.field).toBe('image');
    return (err as ImageError).code;
  }
}

describe('checkImageHeader (what a frame can be refused for before it is queued)', () => {
  it('passes JPEG, PNG and WebP by their first bytes', async () => {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } });
    for (const bytes of [await img.clone().jpeg().toBuffer(), await img.clone().png().toBuffer(), await img.clone().webp().toBuffer()]) {
      expect(codeOf(bytes)).toBeUndefined();
    }
  });

  it('refuses empty, over-limit and non-image bytes, naming the format it looks like', async () => {
    expect(codeOf(new Uint8Array(0))).toBe('image_empty');
    expect(codeOf(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 4)).toBe('image_too_large');
    expect(codeOf(Buffer.from('hello, not an image'))).toBe('image_unsupported_format');
    expect(codeOf(Buffer.from([0xff, 0xd8]))).toBe('image_unsupported_format'); // too short to be a JPEG
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).gif().toBuffer();
    expect(() => checkImageHeader(gif)).toThrow('image is GIF, not JPEG, PNG or WebP');
    expect(() => checkImageHeader(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toThrow(/not JPEG, PNG or WebP \(it starts with 52 49 46 46/);
  });
});
