import { InFlight } from './inFlight';

const tick = () => new Promise((r) => setImmediate(r));

describe('InFlight', () => {
  it("waits for the session's pieces under way when asked, not for later ones nor other sessions'", async () => {
    const w = new InFlight();
    await expect(w.settled('a')).resolves.toBeUndefined();
    const first = w.start('a');
    const other = w.start('b');
    let settled = false;
    const wait = w.settled('a').then(() => (settled = true));
    const later = w.start('a');
    await tick();
    expect(settled).toBe(false);
    first();
    await wait;
    expect(settled).toBe(true);
    // `later` and `b` are still under way.
    let laterDone = false;
    void w.settled('a').then(() => (laterDone = true));
    await tick();
    expect(laterDone).toBe(false);
    later();
    other();
    await tick();
    expect(laterDone).toBe(true);
  });
});
