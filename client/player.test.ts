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

/** A player on a fake clock; `send` (default: record the item and the time) may use the clock and the player. */
function setup(speed = 1, send?: (i: Item, ctx: { clock: ReturnType<typeof fakeClock>; player: Player<Item> }) => Promise<void | 'retry'>) {
  const clock = fakeClock();
  const sent: { text: string; at: number }[] = [];
  const states: PlayerState[] = [];
  const player: Player<Item> = new Player<Item>({
    items,
    speed,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    send: send ? (i) => send(i, { clock, player }) : async (i) => void sent.push({ text: i.text, at: clock.now() }),
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

test('a send that asks for a retry pauses playback there; resuming sends that item again, the clock unmoved', async () => {
  const sent: { text: string; at: number; media: number }[] = [];
  let offline = false;
  const { clock, states, player } = setup(1, (i, { clock, player }) =>
    new Promise<void | 'retry'>((resolve) => {
      sent.push({ text: i.text, at: clock.now(), media: player.mediaMs() });
      // 'b' is in flight when the connection drops: its ack never comes.
      if (i.text === 'b' && !offline) {
        offline = true;
        clock.setTimer(() => resolve('retry'), 50);
      } else resolve();
    }),
  );
  player.play();
  await clock.advance(2100);
  expect(offline).toBe(true);
  expect(player.state).toBe('paused');
  expect(player.sent).toBe(1); // 'b' counts as not sent
  expect(player.mediaMs()).toBe(2050); // stopped when the retry was asked for
  // Offline for a minute: nothing is sent and the clock stands still.
  await clock.advance(60_000);
  expect(sent.map((s) => s.text)).toEqual(['a', 'b']);
  expect(player.mediaMs()).toBe(2050);

  player.play();
  await clock.advance(0);
  expect(sent.map((s) => s.text)).toEqual(['a', 'b', 'b']);
  expect(sent[2]).toEqual({ text: 'b', at: 62_100, media: 2050 });
  // The rest keeps its schedule from where the clock stood: 'c' at media 10 s.
  await clock.advance(7950);
  expect(sent.map((s) => s.text)).toEqual(['a', 'b', 'b', 'c']);
  expect(sent[3]?.media).toBe(10_000);
  expect(states).toEqual(['playing', 'paused', 'playing', 'done']);
});

test('a retry asked for after the player was paused (the drop was seen first) rewinds without a second pause', async () => {
  const sent: string[] = [];
  let drop: (() => void) | null = null;
  const { clock, states, player } = setup(1, (i) =>
    new Promise<void | 'retry'>((resolve) => {
      sent.push(i.text);
      if (i.text === 'b' && sent.length === 2) drop = () => resolve('retry');
      else resolve();
    }),
  );
  player.play();
  await clock.advance(2000);
  player.pause(); // the disconnect event comes before the in-flight ack fails
  player.play(); // and a resume before it failed waits for it
  (drop as unknown as () => void)();
  await clock.advance(0);
  expect(player.state).toBe('paused');
  expect(sent).toEqual(['a', 'b']);
  player.play();
  await clock.advance(10_000);
  expect(sent).toEqual(['a', 'b', 'b', 'c']);
  expect(states).toEqual(['playing', 'paused', 'playing', 'paused', 'playing', 'done']);
});
