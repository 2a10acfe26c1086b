// Reading a replay's stored frames a page at a time: fetched ahead of the clock, retried,
// given up with a notice, and cancelled without a late page.
import { FrameFeed, type FramePage } from './frameFeed';

interface F {
  mediaMs: number;
}

const frames = (from: number, n: number): F[] => Array.from({ length: n }, (_, i) => ({ mediaMs: (from + i) * 200 }));
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function setup(pages: Map<number, FramePage<F>>, opts: { fail?: number; firstNext?: number | null } = {}) {
  const clock = { mediaMs: 0, speed: 1 };
  const log: string[] = [];
  const delivered: F[][] = [];
  let fail = opts.fail ?? 0;
  const pending: (() => void)[] = [];
  const feed = new FrameFeed<F>({
    after: opts.firstNext === undefined ? 10 : opts.firstNext,
    loaded: frames(0, 10),
    clock: () => clock,
    fetchPage: (after) => {
      log.push(`fetch ${after}`);
      return new Promise((resolve, reject) => {
        pending.push(() => {
          if (fail > 0) {
            fail--;
            reject(new Error('network down'));
          } else resolve(pages.get(after) as FramePage<F>);
        });
      });
    },
    deliver: (f) => void delivered.push(f),
    end: () => void log.push('end'),
    onGiveUp: (err, fromMs) => void log.push(`gave up at ${fromMs}: ${(err as Error).message}`),
    policy: { pageSize: 10, minFrames: 4, minLeadWallMs: 1000, maxPages: 2 },
    retries: 2,
    delay: async () => {
      log.push('delay');
    },
  });
  /** Lets every fetch waiting so far answer. */
  const answer = async () => {
    while (pending.length) {
      pending.shift()?.();
      await flush();
    }
  };
  return { clock, log, delivered, feed, answer };
}

const threePages = () =>
  new Map<number, FramePage<F>>([
    [10, { frames: frames(10, 10), next: 20 }],
    [20, { frames: frames(20, 5), next: null }],
  ]);

test('fetches the next page only when the clock comes near the end of what is loaded, one at a time', async () => {
  const { clock, log, delivered, feed, answer } = setup(threePages());
  feed.check(); // 10 frames over 1.8 s ahead of 0: enough
  expect(log).toEqual([]);
  for (let i = 0; i < 7; i++) feed.noteSent();
  clock.mediaMs = 1400; // 3 frames ahead, 400 ms
  feed.check();
  feed.check(); // one in flight: not again
  expect(log).toEqual(['fetch 10']);
  await answer();
  expect(delivered.map((d) => d.length)).toEqual([10]);
  expect(feed.ahead).toBe(13);
  // 13 ahead, 2.4 s: not yet; then the clock runs on.
  expect(log).toEqual(['fetch 10']);
  for (let i = 0; i < 10; i++) feed.noteSent();
  clock.mediaMs = 3400;
  feed.check();
  await answer();
  expect(log).toEqual(['fetch 10', 'fetch 20', 'end']);
  expect(feed.ended).toBe(true);
  feed.check();
  expect(log).toEqual(['fetch 10', 'fetch 20', 'end']);
});

test('a first page that was the last ends the input at once', () => {
  const { log, feed } = setup(new Map(), { firstNext: null });
  feed.check();
  expect(log).toEqual(['end']);
});

test('a failed page is tried again after a delay', async () => {
  const { clock, log, delivered, feed, answer } = setup(threePages(), { fail: 2 });
  clock.mediaMs = 2000;
  clock.speed = 10;
  feed.check();
  await answer();
  expect(log.slice(0, 5)).toEqual(['fetch 10', 'delay', 'fetch 10', 'delay', 'fetch 10']);
  expect(delivered.length).toBeGreaterThan(0);
});

test('after the retries, reading gives up: the input ends and the notice says from when frames are missing', async () => {
  const { clock, log, delivered, feed, answer } = setup(threePages(), { fail: 3 });
  clock.mediaMs = 1000;
  feed.check();
  await answer();
  expect(log).toEqual(['fetch 10', 'delay', 'fetch 10', 'delay', 'fetch 10', 'end', 'gave up at 1800: network down']);
  expect(delivered).toEqual([]);
  expect(feed.ended).toBe(true);
});

test('cancelled while a page is in flight: the page is not handed on and the input does not end', async () => {
  const { clock, log, delivered, feed, answer } = setup(threePages());
  clock.mediaMs = 1800;
  feed.check();
  feed.cancel();
  await answer();
  expect(log).toEqual(['fetch 10']);
  expect(delivered).toEqual([]);
  feed.check();
  expect(log).toEqual(['fetch 10']);
});
