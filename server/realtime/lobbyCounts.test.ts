// The lobby's counts coalescer on a test's clock: how many flushes, when, of which sessions.
import { CountsCoalescer } from './lobbyCounts';
import { ManualScheduler } from './manualScheduler.testkit';

function setup(intervalMs = 1000) {
  const scheduler = new ManualScheduler();
  const sent: { at: number; ids: string[] }[] = [];
  const lobby = { watchers: 1 };
  const counts = new CountsCoalescer(() => lobby.watchers > 0, (ids) => void sent.push({ at: scheduler.now(), ids }), { intervalMs, scheduler });
  return { scheduler, sent, lobby, counts };
}

describe('CountsCoalescer', () => {
  it('the first change after a quiet interval goes out on the next turn; later ones wait for the interval, one flush for every session marked meanwhile, each once', () => {
    const { scheduler, sent, counts } = setup();
    counts.mark('a');
    counts.mark('a');
    expect(sent).toEqual([]);
    scheduler.advance(0);
    expect(sent).toEqual([{ at: 0, ids: ['a'] }]);
    // 50 turns over the next 2.5 s in two sessions: at most one flush a second.
    for (let i = 0; i < 50; i++) {
      scheduler.advance(50);
      counts.mark(i % 2 ? 'a' : 'b');
    }
    scheduler.advance(1000);
    expect(sent.map((s) => s.at)).toEqual([0, 1000, 2000, 3000]);
    for (const s of sent.slice(1)) expect(s.ids.sort()).toEqual(['a', 'b']);
    // Nothing pending, no timer left: quiet costs nothing.
    expect(counts.pending).toEqual([]);
    expect(scheduler.waiting).toBe(0);
  });

  it('one timer at most, however many marks', () => {
    const { scheduler, counts } = setup();
    for (let i = 0; i < 1000; i++) counts.mark(`s${i % 20}`);
    expect(scheduler.waiting).toBe(1);
    expect(counts.pending).toHaveLength(20);
  });

  it('marks nothing and sets no timer while nobody watches; a lobby emptied before the flush is sent nothing', () => {
    const { scheduler, sent, lobby, counts } = setup();
    lobby.watchers = 0;
    for (let i = 0; i < 50; i++) counts.mark('a');
    expect(counts.pending).toEqual([]);
    expect(scheduler.waiting).toBe(0);
    lobby.watchers = 1;
    counts.mark('a');
    lobby.watchers = 0;
    scheduler.advance(5000);
    expect(sent).toEqual([]);
    expect(counts.pending).toEqual([]);
  });

  it('a session forgotten (deleted, or listed whole) before the flush is not in it', () => {
    const { scheduler, sent, counts } = setup();
    counts.mark('gone');
    counts.mark('kept');
    counts.forget('gone');
    scheduler.advance(0);
    expect(sent).toEqual([{ at: 0, ids: ['kept'] }]);
    // Forgotten while it is the only one: the flush sends nothing at all.
    counts.mark('gone');
    counts.forget('gone');
    scheduler.advance(2000);
    expect(sent).toHaveLength(1);
  });

  it('waits out the interval from the last flush, not from the mark', () => {
    const { scheduler, sent, counts } = setup(300);
    counts.mark('a');
    scheduler.advance(0);
    scheduler.advance(250);
    counts.mark('a');
    scheduler.advance(49);
    expect(sent).toHaveLength(1);
    scheduler.advance(1);
    expect(sent.map((s) => s.at)).toEqual([0, 300]);
    // Long after: at once again.
    scheduler.advance(10_000);
    counts.mark('a');
    scheduler.advance(0);
    expect(sent.map((s) => s.at)).toEqual([0, 300, 10_300]);
  });

  it('closed: the pending flush is dropped and later marks send nothing', () => {
    const { scheduler, sent, counts } = setup();
    counts.mark('a');
    counts.close();
    expect(scheduler.waiting).toBe(0);
    counts.mark('a');
    scheduler.advance(5000);
    expect(sent).toEqual([]);
  });

  it('refuses an interval that is not a finite number ≥ 0', () => {
    for (const intervalMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new CountsCoalescer(() => true, () => {}, { intervalMs })).toThrow(RangeError);
    }
  });
});
