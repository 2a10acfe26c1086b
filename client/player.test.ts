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

test('after the last send the clock runs on to the end of the last item, then playback is done', async () => {
  const { clock, states, player } = setup(1);
  player.play();
  await clock.advance(11_000); // 'c' sent at 10 s, ends at 12 s
  expect(player.state).toBe('playing');
  expect(player.mediaMs()).toBe(11_000);
  await clock.advance(1000);
  expect(states).toEqual(['playing', 'done']);
  expect(player.mediaMs()).toBe(12_000);
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

/** A player at 50× whose every send takes `ackMs` wall ms; the clock sampled every 5 wall ms. */
async function slowAcks(list: Item[], ackMs: number) {
  const clock = fakeClock();
  const acked: string[] = [];
  const samples: { ms: number; acked: number; unacked: number }[] = [];
  let flying: Item | null = null;
  const player: Player<Item> = new Player<Item>({
    items: list,
    speed: 50,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    send: (i) =>
      new Promise<void>((resolve) => {
        flying = i;
        clock.setTimer(() => {
          acked.push(i.text);
          flying = null;
          resolve();
        }, ackMs);
      }),
  });
  player.play();
  for (let wall = 0; wall < 10_000 && player.state === 'playing'; wall += 5) {
    await clock.advance(5);
    // The oldest item not acked: the one in flight, else the next one due.
    const next = flying ?? list.filter((x) => !acked.includes(x.text)).sort((a, b) => a.startMs - b.startMs)[0];
    samples.push({ ms: player.mediaMs(), acked: acked.length, unacked: next ? next.startMs : Infinity });
  }
  return { player, clock, samples, acked };
}

test('sends slower than the speed: the clock waits for the oldest item not acked, never passes the end, never goes back', async () => {
  // 40 items 200 media ms apart (8 s); each ack takes 20 wall ms = 1000 media ms at 50×.
  const list = Array.from({ length: 40 }, (_, i) => ({ startMs: i * 200, text: `f${i}`, ...(i === 39 ? { endMs: 8000 } : {}) }));
  const { player, samples, acked } = await slowAcks(list, 20);
  expect(player.state).toBe('done');
  expect(acked).toHaveLength(40);
  for (const [i, s] of samples.entries()) {
    expect(s.ms).toBeLessThanOrEqual(8000);
    expect(s.ms).toBeLessThanOrEqual(s.unacked);
    if (i > 0) expect(s.ms).toBeGreaterThanOrEqual(samples[i - 1]!.ms);
  }
  // Wall clock × speed alone would have passed the end long before the last ack.
  expect(samples.length * 5 * 50).toBeGreaterThan(2 * 8000);
  expect(player.mediaMs()).toBe(8000);
});

test('a long wait for an ack is not made up by a leap: the clock goes on from where it waited', async () => {
  // 'a' takes 100 wall ms (5 media s at 50×) to be acked; 'b' is 1 media s after it.
  const { samples } = await slowAcks(
    [
      { startMs: 0, text: 'a' },
      { startMs: 1000, endMs: 3000, text: 'b' },
    ],
    100,
  );
  const afterA = samples.filter((s) => s.acked === 1);
  // Right after the ack the clock is still at 'a' (0), then runs at 50×: 'b' 20 wall ms later.
  expect(afterA[0]!.ms).toBeLessThanOrEqual(250);
  const steps = samples.slice(1).map((s, i) => s.ms - samples[i]!.ms);
  expect(Math.max(...steps)).toBeLessThanOrEqual(250); // 5 wall ms at 50×: no jumps
  expect(Math.min(...steps)).toBeGreaterThanOrEqual(0);
});

test('a short lag (a timer firing late, a quick ack) keeps the schedule', async () => {
  const clock = fakeClock();
  const sent: number[] = [];
  const player = new Player<Item>({
    items: [
      { startMs: 0, text: 'a' },
      { startMs: 1000, text: 'b' },
      { startMs: 2000, text: 'c' },
    ],
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    // Each ack takes 300 wall ms at 1×: within MAX_LAG_MS.
    send: () => new Promise<void>((resolve) => void (sent.push(clock.now()), clock.setTimer(resolve, 300))),
  });
  player.play();
  await clock.advance(100);
  expect(player.mediaMs()).toBe(0); // waiting for 'a''s ack
  await clock.advance(300);
  expect(player.mediaMs()).toBe(400); // acked: back on schedule
  await clock.advance(3000);
  expect(sent).toEqual([0, 1000, 2000]);
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
  expect(player.mediaMs()).toBe(2000); // at 'b', which did not get through
  // Offline for a minute: nothing is sent and the clock stands still.
  await clock.advance(60_000);
  expect(sent.map((s) => s.text)).toEqual(['a', 'b']);
  expect(player.mediaMs()).toBe(2000);

  player.play();
  await clock.advance(0);
  expect(sent.map((s) => s.text)).toEqual(['a', 'b', 'b']);
  expect(sent[2]).toEqual({ text: 'b', at: 62_100, media: 2000 });
  // The rest keeps its schedule from where the clock stood: 'c' at media 10 s.
  await clock.advance(7999);
  expect(sent.map((s) => s.text)).toEqual(['a', 'b', 'b']);
  await clock.advance(1);
  expect(sent.map((s) => s.text)).toEqual(['a', 'b', 'b', 'c']);
  expect(sent[3]?.media).toBe(10_000);
  await clock.advance(1999); // done when 'c' ends, at 12 s
  expect(player.state).toBe('playing');
  await clock.advance(1);
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

// ---- input that arrives while playing (a recording read a page at a time) -----------------

/** A player on a fake clock whose input stays open until endOfInput(). */
function streaming(first: Item[], speed = 1) {
  const clock = fakeClock();
  const sent: { text: string; at: number; media: number }[] = [];
  const states: PlayerState[] = [];
  const player: Player<Item> = new Player<Item>({
    items: first,
    openInput: true,
    speed,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    send: async (i) => void sent.push({ text: i.text, at: clock.now(), media: player.mediaMs() }),
    onStateChange: (s) => states.push(s),
  });
  return { clock, sent, states, player, texts: () => sent.map((s) => s.text) };
}

test('items appended while playing are merged into the part not yet sent, by startMs', async () => {
  const { clock, sent, player, texts } = streaming([
    { startMs: 0, text: 'a' },
    { startMs: 3000, text: 'd' },
  ]);
  player.play();
  await clock.advance(1000);
  expect(texts()).toEqual(['a']);
  // Out of order, one between the clock and 'd', one after it, one at d's time (goes after d).
  player.append([
    { startMs: 5000, text: 'e' },
    { startMs: 2000, text: 'c' },
    { startMs: 3000, text: 'd2' },
  ]);
  expect(player.pending).toBe(4);
  await clock.advance(5000);
  expect(texts()).toEqual(['a', 'c', 'd', 'd2', 'e']);
  expect(sent.map((s) => s.at)).toEqual([0, 2000, 3000, 3000, 5000]);
  expect(player.pending).toBe(0);
  expect(player.sent).toBe(5);
});

test('an appended item the clock has passed is sent next, in order, and the schedule goes on from the clock', async () => {
  const { clock, sent, player, texts } = streaming([
    { startMs: 0, text: 'a' },
    { startMs: 10_000, text: 'z' },
  ]);
  player.play();
  await clock.advance(4000);
  player.append([
    { startMs: 3000, text: 'late2' },
    { startMs: 1000, text: 'late1' },
    { startMs: 6000, text: 'f' },
  ]);
  await clock.advance(0);
  expect(texts()).toEqual(['a', 'late1', 'late2']);
  expect(sent.slice(1).map((s) => s.at)).toEqual([4000, 4000]);
  await clock.advance(6000);
  expect(texts()).toEqual(['a', 'late1', 'late2', 'f', 'z']);
  expect(sent.slice(3).map((s) => s.at)).toEqual([6000, 10_000]);
});

test('an open input is not done when it runs out: the clock waits at the end of the items taken, and it is done only after endOfInput', async () => {
  const { clock, states, sent, player, texts } = streaming([{ startMs: 0, endMs: 1000, text: 'a' }]);
  player.play();
  await clock.advance(5000);
  expect(texts()).toEqual(['a']);
  expect(player.state).toBe('playing'); // waiting for the next page, not finished
  expect(player.mediaMs()).toBe(1000); // not past what it has to send
  player.append([{ startMs: 2000, endMs: 7000, text: 'b' }]);
  // The clock goes on from where it waited: 'b' a media second later, not at once.
  expect(player.mediaMs()).toBe(1000);
  await clock.advance(999);
  expect(texts()).toEqual(['a']);
  await clock.advance(1);
  expect(sent[1]).toEqual({ text: 'b', at: 6000, media: 2000 });
  expect(player.state).toBe('playing');
  await clock.advance(60_000);
  expect(player.state).toBe('playing');
  player.endOfInput();
  await clock.advance(0);
  expect(player.state).toBe('done');
  expect(states).toEqual(['playing', 'done']);
  expect(player.mediaMs()).toBe(7000); // the clock ends at the latest end taken
});

test('endOfInput before the last item is sent: done once it is', async () => {
  const { clock, player, texts } = streaming([{ startMs: 0, text: 'a' }]);
  player.play();
  player.append([{ startMs: 3000, text: 'b' }]);
  player.endOfInput();
  await clock.advance(2000);
  expect(player.state).toBe('playing');
  await clock.advance(1000);
  expect(texts()).toEqual(['a', 'b']);
  expect(player.state).toBe('done');
  expect(player.inputEnded).toBe(true);
});

test('appends while paused wait for the resume; the paused clock does not move', async () => {
  const { clock, sent, player, texts } = streaming([{ startMs: 0, endMs: 1500, text: 'a' }]);
  player.play();
  await clock.advance(1000);
  player.pause();
  player.append([
    { startMs: 500, text: 'behind' },
    { startMs: 2000, text: 'b' },
  ]);
  await clock.advance(10_000);
  expect(texts()).toEqual(['a']);
  expect(player.mediaMs()).toBe(1000);
  player.play();
  await clock.advance(0);
  expect(texts()).toEqual(['a', 'behind']);
  await clock.advance(1000);
  expect(texts()).toEqual(['a', 'behind', 'b']);
  expect(sent[2]).toEqual({ text: 'b', at: 12_000, media: 2000 });
  expect(player.state).toBe('playing'); // input still open
});

test('a speed change while waiting for input, then an append: timed at the new speed', async () => {
  const { clock, sent, player, texts } = streaming([{ startMs: 0, endMs: 1000, text: 'a' }]);
  player.play();
  await clock.advance(1000); // media 1 s, nothing loaded beyond
  player.setSpeed(4);
  player.append([{ startMs: 9000, text: 'b' }]); // 8 media s ahead: 2 wall s at 4×
  await clock.advance(1999);
  expect(texts()).toEqual(['a']);
  await clock.advance(1);
  expect(texts()).toEqual(['a', 'b']);
  expect(sent[1]).toEqual({ text: 'b', at: 3000, media: 9000 });
});

test('an append that comes before the item the player is waiting for wakes it up', async () => {
  const { clock, sent, player } = streaming([{ startMs: 10_000, text: 'z' }]);
  player.play();
  await clock.advance(1000);
  player.append([{ startMs: 2000, text: 'b' }]);
  await clock.advance(1000);
  expect(sent).toEqual([{ text: 'b', at: 2000, media: 2000 }]);
});

test('after stop, appends are ignored and endOfInput does not make it done', async () => {
  const { clock, states, player, texts } = streaming([{ startMs: 0, text: 'a' }]);
  player.play();
  await clock.advance(100);
  player.stop();
  player.append([{ startMs: 200, text: 'b' }]);
  player.endOfInput();
  player.play();
  await clock.advance(10_000);
  expect(texts()).toEqual(['a']);
  expect(player.pending).toBe(0);
  expect(states).toEqual(['playing', 'stopped']);
});

test('a retried send goes first again, before items appended while it was in flight', async () => {
  const clock = fakeClock();
  const sent: string[] = [];
  let dropped = false;
  const player: Player<Item> = new Player<Item>({
    items: [{ startMs: 0, text: 'a' }, { startMs: 1000, text: 'b' }],
    openInput: true,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    send: (i) =>
      new Promise<void | 'retry'>((resolve) => {
        sent.push(i.text);
        if (i.text === 'b' && !dropped) {
          dropped = true;
          // While 'b' is in flight, a page arrives with a frame already due.
          player.append([{ startMs: 900, text: 'x' }, { startMs: 1500, text: 'c' }]);
          clock.setTimer(() => resolve('retry'), 50);
        } else resolve();
      }),
  });
  player.play();
  await clock.advance(1100);
  expect(player.state).toBe('paused');
  expect(player.sent).toBe(1);
  expect(player.pending).toBe(3);
  player.play();
  await clock.advance(1000);
  expect(sent).toEqual(['a', 'b', 'b', 'x', 'c']);
});

/** How many items the player holds, sent ones not yet let go included. */
const held = (p: Player<Item>) => (p as unknown as { queue: unknown[]; head: number }).queue.length;

test('sent items are let go: a long stream keeps only what is still to come', async () => {
  const { clock, player } = streaming([], 1000);
  player.play();
  for (let page = 0; page < 5; page++) {
    player.append(Array.from({ length: 1000 }, (_, i) => ({ startMs: (page * 1000 + i) * 200, text: `f${page}.${i}` })));
    await clock.advance(200);
    expect(player.pending).toBe(0);
  }
  expect(player.sent).toBe(5000);
  expect(held(player)).toBeLessThanOrEqual(1024); // at most one page's sent items wait to be let go
  // One long page, half sent: the sent half is let go without waiting for the next append.
  player.append(Array.from({ length: 4000 }, (_, i) => ({ startMs: 1_000_000 + i * 200, text: `g${i}` })));
  await clock.advance(400); // media 1,400,000: g0..g2000 sent
  expect(player.pending).toBe(1999);
  expect(held(player)).toBeLessThan(2 * player.pending + 1);
  player.endOfInput();
  await clock.advance(1000);
  expect(player.state).toBe('done');
});
