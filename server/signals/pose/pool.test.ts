import sharp from 'sharp';
import { ImageError } from './errors';
import { PosePool, PoseWorkerError } from './pool';
import { PoseConfigError, PoseModelMissingError } from './errors';

/** A person-free JPEG frame; the pool's plumbing, not the model, is under test here. */
async function frame(shade: number): Promise<Buffer> {
  return sharp({ create: { width: 160, height: 120, channels: 3, background: { r: shade, g: 90, b: 140 } } })
    .jpeg()
    .toBuffer();
}

describe('PosePool', () => {
  let pool: PosePool;
  beforeAll(async () => {
    pool = await PosePool.start({ workers: 2, estimator: { model: 'movenet-lightning' }, backend: 'wasm', testHooks: true });
  }, 60_000);
  afterAll(() => pool?.close());

  it('runs frames on 2 workers and keeps each trackId on its worker', async () => {
    const bytes = await frame(40);
    const first = await Promise.all([pool.run({ trackId: 'alice', bytes }), pool.run({ trackId: 'bob', bytes })]);
    expect(new Set(first.map((r) => r.worker))).toEqual(new Set([0, 1]));
    expect(pool.backend).toBe('wasm');
    const alice = pool.workerOf('alice');
    const again = await Promise.all([1, 2, 3].map((i) => pool.run({ trackId: 'alice', bytes, mediaMs: i * 40 })));
    for (const r of again) {
      expect(r.worker).toBe(alice);
      expect(r.poses).toEqual([]);
      expect([r.width, r.height]).toEqual([160, 120]);
      expect(r.decodeMs).toBeGreaterThanOrEqual(0);
      expect(r.poseMs).toBeGreaterThan(0);
    }
  });

  it('accepts decoded RGB frames', async () => {
    const rgb = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(128) };
    const r = await pool.run({ rgb });
    expect(r.decodeMs).toBeLessThan(5);
    expect([r.width, r.height]).toEqual([8, 8]);
  });

  it('hands a track its frames in call order, though a later, smaller frame decodes first', async () => {
    // 2400x1800 noise decodes far slower than 160x120 flat colour; frames are decoded in this
    // thread side by side, and the worker must still get them in the order they were sent.
    const big = await sharp(Buffer.from(Array.from({ length: 2400 * 1800 * 3 }, (_, i) => (i * 7919) % 251)), {
      raw: { width: 2400, height: 1800, channels: 3 },
    })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const small = await frame(60);
    const order: string[] = [];
    const note = (name: string) => (r: { width: number }) => {
      order.push(name);
      return r;
    };
    const bad = pool.run({ trackId: 'carol', bytes: Buffer.from('broken frame') }).catch(() => order.push('bad'));
    const [a, b] = await Promise.all([
      pool.run({ trackId: 'carol', bytes: big, mediaMs: 0 }).then(note('big')),
      pool.run({ trackId: 'carol', bytes: small, mediaMs: 40 }).then(note('small')),
      bad,
    ]);
    expect(order).toEqual(['bad', 'big', 'small']);
    expect(a.width).toBe(1280); // scaled to the decode limit's long side
    expect(b.width).toBe(160);
  }, 60_000);

  it('returns bad images as ImageError with their code', async () => {
    const err = await pool.run({ trackId: 'alice', bytes: Buffer.from('not an image at all') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).code).toBe('image_unsupported_format');
    expect((err as ImageError).status).toBe(415);
  });

  it('fails the jobs of a crashed worker, restarts it, and keeps the trackId there', async () => {
    const bytes = await frame(80);
    const index = pool.workerOf('alice')!;
    pool.crashWorkerForTest(index);
    const lost = pool.run({ trackId: 'alice', bytes });
    await expect(lost).rejects.toThrow(PoseWorkerError);
    await expect(lost).rejects.toThrow(`pose worker ${index} crashed`);
    const after = await pool.run({ trackId: 'alice', bytes });
    expect(after.worker).toBe(index);
    const other = await pool.run({ trackId: 'bob', bytes });
    expect(other.poses).toEqual([]);
  }, 60_000);

  it('rejects jobs after close', async () => {
    const closed = await PosePool.start({ workers: 1, estimator: { model: 'movenet-lightning' }, backend: 'wasm' });
    await closed.close();
    await expect(closed.run({ bytes: await frame(10) })).rejects.toThrow(/closed/);
  }, 60_000);

  it('validates its options before starting workers', async () => {
    await expect(PosePool.start({ workers: 0 })).rejects.toThrow(/workers must be an integer from 1 to 64, got 0/);
    await expect(PosePool.start({ estimator: { model: 'posenet' as never } })).rejects.toThrow(PoseConfigError);
  });

  it('reports a worker that cannot load its model when starting', async () => {
    await expect(
      PosePool.start({ workers: 1, estimator: { model: 'movenet-lightning', modelDir: '/nonexistent/models' } }),
    ).rejects.toThrow(/pose model files missing in \/nonexistent\/models: .*run `npm run models`/);
    await expect(
      PosePool.start({ workers: 1, estimator: { model: 'movenet-lightning', modelDir: '/nonexistent/models' } }),
    ).rejects.toThrow(PoseModelMissingError);
  });
});
