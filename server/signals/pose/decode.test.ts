import crypto from 'node:crypto';
import sharp from 'sharp';
import { decodeImage } from './decode';
import { ImageError } from './errors';

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } });

async function expectImageError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageError);
  expect((err as ImageError).code).toBe(code);
  expect((err as ImageError).message).toMatch(message);
}

describe('decodeImage', () => {
  it('decodes a JPEG to RGB at its own size', async () => {
    const img = await decodeImage(await solid(64, 48).jpeg().toBuffer());
    expect([img.width, img.height, img.data.length]).toEqual([64, 48, 64 * 48 * 3]);
    expect(img.data[0]).toBeGreaterThan(150); // red channel first
  });

  it('drops alpha from PNG and WebP and widens greyscale to RGB', async () => {
    const rgba = sharp({ create: { width: 10, height: 8, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } });
    for (const bytes of [await rgba.clone().png().toBuffer(), await rgba.clone().webp().toBuffer()]) {
      const img = await decodeImage(bytes);
      expect(img.data.length).toBe(10 * 8 * 3);
    }
    const grey = await solid(10, 8).greyscale().png().toBuffer();
    expect((await decodeImage(grey)).data.length).toBe(10 * 8 * 3);
  });

  it('shrinks the long side to maxSide keeping the aspect ratio', async () => {
    const img = await decodeImage(await solid(2000, 1000).jpeg().toBuffer(), { maxSide: 500 });
    expect([img.width, img.height]).toEqual([500, 250]);
    const small = await decodeImage(await solid(300, 200).jpeg().toBuffer(), { maxSide: 500 });
    expect([small.width, small.height]).toEqual([300, 200]);
  });

  it('applies the EXIF orientation', async () => {
    // 60x40 stored landscape with orientation 6 (rotate 90° clockwise) is a 40x60 portrait.
    const bytes = await solid(60, 40).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(bytes);
    expect([img.width, img.height]).toEqual([40, 60]);
  });

  it('rejects zero bytes', async () => {
    await expectImageError(decodeImage(Buffer.alloc(0)), 'image_empty', /0 bytes/);
  });

  it('rejects inputs over maxBytes, naming the limit', async () => {
    const bytes = await solid(64, 64).png().toBuffer();
    await expectImageError(decodeImage(bytes, { maxBytes: 100 }), 'image_too_large', /limit is 100 bytes/);
  });

  it('rejects a truncated JPEG', async () => {
    const full = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg()
      .toBuffer();
    await expectImageError(decodeImage(full.subarray(0, Math.floor(full.length / 2))), 'image_corrupt', /JPEG image could not be decoded/);
  });

  it('calls a JPEG, PNG or WebP whose header is damaged corrupt (400), not an unsupported format (415)', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('garbage')]);
    await expectImageError(decodeImage(jpeg), 'image_corrupt', /^JPEG image could not be decoded: /);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(64)]);
    await expectImageError(decodeImage(png), 'image_corrupt', /^PNG image could not be decoded: /);
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x40, 0, 0, 0]), Buffer.from('WEBPVP8 '), crypto.randomBytes(64)]);
    await expectImageError(decodeImage(webp), 'image_corrupt', /^WebP image could not be decoded: /);
  });

  it('stops a PNG bomb by its header, before inflating it', async () => {
    // 7000x7000 of one colour compresses to a few hundred KB but decodes to 147 MB.
    const bomb = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000);
    await expectImageError(decodeImage(bomb), 'image_too_many_pixels', /7000x7000 = 49000000 pixels; the limit is 40000000/);
  });

  it('rejects random bytes as not an image', async () => {
    await expectImageError(decodeImage(crypto.randomBytes(4096)), 'image_unsupported_format', /not a recognised image.*JPEG, PNG or WebP/);
  });

  it('rejects GIF and SVG by their detected format', async () => {
    const gif = await solid(8, 8).gif().toBuffer();
    await expectImageError(decodeImage(gif), 'image_unsupported_format', /format gif is not supported/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>');
    await expectImageError(decodeImage(svg), 'image_unsupported_format', /format svg is not supported/);
  });

  it('maps to HTTP statuses', () => {
    expect(new ImageError('image_too_large', 'x').status).toBe(413);
    expect(new ImageError('image_unsupported_format', 'x').status).toBe(415);
    expect(new ImageError('image_corrupt', 'x').toApi()).toEqual({ code: 'image_corrupt', message: 'x', field: 'image' });
  });
});
