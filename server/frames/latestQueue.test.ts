import { LatestQueue } from './latestQueue';

function deferred() {
  let resolve!: () => void;
  const p = new Promise<void>((r) => (resolve = r));
  return { p, resolve };
}

describe('LatestQueue', () => {
  it('keeps the newest frames per key and counts the dropped ones', async () => {
    const gate = deferred();
    const done: string[] = [];
    const dropped: string[] = [];
    const q = new LatestQueue<string, string>(
      async (_k, item) => {
        if (item === 'f0') await gate.p; // the first frame is slow: the rest pile up
        return item.toUpperCase();
      },
      (_k, _item, r) => done.push(r),
      () => {},
      (_k, item) => dropped.push(item),
      { capacity: 2 },
    );
    for (let i = 0; i < 6; i++) q.push('alice', `f${i}`);
    gate.resolve();
    await q.idle();
    expect(done).toEqual(['F0', 'F4', 'F5']);
    expect(dropped).toEqual(['f1', 'f2', 'f3']);
    expect(q.statsOf('alice')).toEqual({ queued: 6, processed: 3, dropped: 3, failed: 0 });
  });

  it('keeps keys apart and reports failures without stopping the queue', async () => {
    const errors: unknown[] = [];
    const results: string[] = [];
    const q = new LatestQueue<number, string>(
      async (k, n) => {
        if (n === 2) throw new Error('corrupt frame');
        return `${k}${n}`;
      },
      (_k, _n, r) => results.push(r),
      (_k, _n, e) => errors.push(e),
      undefined,
      { capacity: 10 },
    );
    [1, 2, 3].forEach((n) => q.push('a', n));
    q.push('b', 1);
    await q.idle();
    expect(results.sort()).toEqual(['a1', 'a3', 'b1']);
    expect(errors).toHaveLength(1);
    expect(q.statsOf('a')).toMatchObject({ processed: 2, failed: 1, dropped: 0 });
  });

  it('refuses a capacity below 1', () => {
    expect(() => new LatestQueue(async () => 0, () => {}, () => {}, undefined, { capacity: 0 })).toThrow(/capacity must be a whole number >= 1, got 0/);
  });
});
