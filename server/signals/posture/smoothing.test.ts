import { Hysteresis, LandmarkSmoother, OneEuroFilter } from './smoothing';

describe('OneEuroFilter', () => {
  it('smooths jitter around a still value and follows a real move', () => {
    const f = new OneEuroFilter();
    let maxDev = 0;
    for (let i = 0; i < 60; i++) {
      const v = f.filter(0.5 + (i % 2 ? 0.01 : -0.01), i * 33);
      if (i >= 10) maxDev = Math.max(maxDev, Math.abs(v - 0.5));
    }
    expect(maxDev).toBeLessThan(0.006); // the raw input swings ±0.01 every frame
    let v = 0;
    for (let i = 60; i < 120; i++) v = f.filter(0.8, i * 33);
    expect(v).toBeCloseTo(0.8, 2);
  });

  it('restarts after a gap in media time instead of smoothing across it', () => {
    const f = new OneEuroFilter();
    f.filter(0.1, 0);
    f.filter(0.1, 33);
    expect(f.filter(0.9, 5000)).toBe(0.9);
  });

  it('smooths every landmark coordinate and passes scores through', () => {
    const s = new LandmarkSmoother();
    s.smooth([{ x: 0, y: 0, z: 0, score: 0.9 }], 0);
    const [p] = s.smooth([{ x: 1, y: 1, z: 1, score: 0.2 }], 33);
    expect(p!.x).toBeGreaterThan(0);
    expect(p!.x).toBeLessThan(1);
    expect(p!.score).toBe(0.2);
  });
});

describe('Hysteresis', () => {
  const opts = { onThreshold: 0.6, offThreshold: 0.4, holdMs: 1000, releaseMs: 500 };

  it('turns on only after the probability holds for holdMs of media time', () => {
    const h = new Hysteresis(opts);
    expect(h.update(0.9, 0)).toBeNull();
    expect(h.update(0.9, 900)).toBeNull();
    expect(h.update(0.9, 1000)).toEqual({ state: 'on', sinceMs: 0 });
    expect(h.isOn).toBe(true);
  });

  it('ignores a flicker shorter than holdMs', () => {
    const h = new Hysteresis(opts);
    h.update(0.9, 0);
    h.update(0.9, 600);
    h.update(0.3, 700); // drops: the run restarts
    expect(h.update(0.9, 1200)).toBeNull();
    expect(h.update(0.9, 2100)).toBeNull();
    expect(h.update(0.9, 2200)).toEqual({ state: 'on', sinceMs: 1200 });
  });

  it('stays on through values between the thresholds and brief dips, then turns off after releaseMs', () => {
    const h = new Hysteresis(opts);
    h.update(0.9, 0);
    h.update(0.9, 1000);
    expect(h.update(0.5, 1500)).toBeNull(); // between off and on: still on
    expect(h.update(0.2, 2000)).toBeNull();
    expect(h.update(0.5, 2300)).toBeNull(); // recovered before releaseMs
    expect(h.update(0.2, 2400)).toBeNull();
    expect(h.update(0.2, 2900)).toEqual({ state: 'off', sinceMs: 2400 });
  });

  it('gives the same result whatever the frame rate, and ignores time going backwards', () => {
    const run = (step: number) => {
      const h = new Hysteresis(opts);
      for (let t = 0; t <= 3000; t += step) if (h.update(t < 2000 ? 0.9 : 0.1, t)) if (h.isOn) return t;
      return -1;
    };
    expect(run(100)).toBe(1000);
    expect(run(250)).toBe(1000);
    const h = new Hysteresis(opts);
    h.update(0.9, 5000);
    expect(h.update(0.9, 100)).toBeNull();
  });

  it('rejects inconsistent options', () => {
    expect(() => new Hysteresis({ ...opts, offThreshold: 0.7 })).toThrow(/offThreshold/);
  });
});
