// The playback scheduler driven by a hand-advanced clock: sends happen at startMs / speed,
// one at a time, and pause, speed changes and stop behave.
import { Player, type PlayerState } from './player';

interface Item {
  startMs: number;
  endMs?: number;
  text: string;
}

/** A fake wall clock with timers that fire only when advanced. */
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (h: unknown) => void timers.delete(h as number),
    /** Moves the clock forward, firing due timers in order and letting promises settle. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        await flush();
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
      await flush();
    },
  };
}

async function flush() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const items: Item[] = [
  { startMs: 2000, text: 'b' },
  { startMs: 0, text: 'a' },
  { startMs: 10_000, endMs: 12_000, text: 'c' },
];

function setup(speed = 1, send?: (i: Item) => Promise<void>) {
  const clock = fakeClock();
  const sent: { text: string; at: number }[] = [];
  const states: PlayerState[] = [];
  const player = new Player<Item>({
    items,
    speed,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    send: send ?? (async (i) => void sent.push({ text: i.text, at: clock.now() })),
    onStateChange: (s) => states.push(s),
  });
  return { clock, sent, states, player };
}

test('sends each item at its startMs divided by the speed, in media order', async () => {
  const { clock, sent, states, player } = setup(2);
  player.play();
  await clock.advance(10_000);
  expect(sent).toEqual([
    { text: 'a', at: 0 },
    { text: 'b', at: 1000 },
    { text: 'c', at: 5000 },
  ]);
  expect(states).toEqual(['playing', 'done']);
  expect(player.mediaMs()).toBe(12_000); // the clock stops at the recording's end
});

test('pause freezes the clock and the schedule; resume continues where it was', async () => {
  const { clock, sent, player } = setup(1);
  player.play();
  await clock.advance(1500);
  player.pause();
  expect(player.mediaMs()).toBe(1500);
  await clock.advance(60_000);
  expect(sent.map((s) => s.text)).toEqual(['a']);
  player.play();
  await clock.advance(500);
  expect(sent.map((s) => s.text)).toEqual(['a', 'b']);
  expect(sent[1]?.at).toBe(62_000);
});

test('a speed change re-times the wait without jumping the clock', async () => {
  const { clock, sent, player } = setup(1);
  player.play();
  await clock.advance(4000); // media 4 s, 'c' due at media 10 s
  player.setSpeed(3);
  expect(player.mediaMs()).toBe(4000);
  await clock.advance(2000); // 6 media seconds at 3×
  expect(sent.map((s) => s.text)).toEqual(['a', 'b', 'c']);
  expect(sent[2]?.at).toBe(6000);
});

test('waits for each send to settle before the next, and reports failures without stopping', async () => {
  const clock = fakeClock();
  const log: string[] = [];
  const errors: string[] = [];
  const player = new Player<Item>({
    items,
    speed: 1000,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    send: (i) =>
      new Promise<void>((resolve, reject) => {
        log.push(`start ${i.text}`);
        clock.setTimer(() => {
          log.push(`end ${i.text}`);
          if (i.text === 'b') reject(new Error('rejected b'));
          else resolve();
        }, 100);
      }),
    onSendError: (err) => errors.push((err as Error).message),
  });
  player.play();
  await clock.advance(1000);
  expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  expect(errors).toEqual(['rejected b']);
  expect(player.state).toBe('done');
});

test('stop ends playback for good', async () => {
  const { clock, sent, player, states } = setup(1);
  player.play();
  await clock.advance(100);
  player.stop();
  player.play();
  await clock.advance(60_000);
  expect(sent.map((s) => s.text)).toEqual(['a']);
  expect(states).toEqual(['playing', 'stopped']);
});
