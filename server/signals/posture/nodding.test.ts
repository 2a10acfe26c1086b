import type { Landmark } from '../pose/types';
import { countNods, headPitchSignal, NodDetector } from './nodding';

/** Head pitch signal sampled at 15 fps: `amp`-sized nods at `hz` between startMs and endMs. */
function feed(det: NodDetector, amp: number, hz: number, startMs: number, endMs: number, untilMs: number) {
  const states = [];
  for (let t = 0; t <= untilMs; t += 66) {
    const v = t >= startMs && t <= endMs ? amp * 0.5 * (1 - Math.cos(2 * Math.PI * hz * ((t - startMs) / 1000))) : 0;
    states.push({ t, ...det.update(0.3 + v, t) });
  }
  return states;
}

describe('nodding', () => {
  it('detects repeated down-up head swings within about two seconds', () => {
    const states = feed(new NodDetector(), 0.2, 1.5, 1000, 3000, 4000);
    expect(states.some((s) => s.nodding)).toBe(true);
    expect(states.filter((s) => s.t < 1000).some((s) => s.nodding)).toBe(false);
    expect(states[states.length - 1]!.nodding).toBe(false); // two seconds after the nods stop
  });

  it('ignores a single nod and swings smaller than minAmplitude', () => {
    expect(feed(new NodDetector(), 0.2, 1.5, 1000, 1667, 4000).some((s) => s.nodding)).toBe(false);
    expect(feed(new NodDetector(), 0.04, 1.5, 1000, 3000, 4000).some((s) => s.nodding)).toBe(false);
  });

  it('counts cycles on a plain sequence', () => {
    expect(countNods([0, 0.2, 0, 0.2, 0], 0.1, 2)).toMatchObject({ nodding: true, cycles: 2 });
    expect(countNods([0, 0.05, 0, 0.05, 0], 0.1, 2).cycles).toBe(0);
  });

  it('reads a lowered nose as a larger pitch signal', () => {
    const face = (noseY: number): Landmark[] => {
      const lm: Landmark[] = Array.from({ length: 33 }, () => ({ x: 0.5, y: 0.5, z: 0, score: 1 }));
      lm[0] = { x: 0.5, y: noseY, z: 0, score: 1 };
      lm[2] = { x: 0.52, y: 0.3, z: 0, score: 1 };
      lm[5] = { x: 0.48, y: 0.3, z: 0, score: 1 };
      lm[7] = { x: 0.56, y: 0.31, z: 0, score: 1 };
      lm[8] = { x: 0.44, y: 0.31, z: 0, score: 1 };
      return lm;
    };
    expect(headPitchSignal(face(0.36))!).toBeGreaterThan(headPitchSignal(face(0.33))!);
    const hidden = face(0.33);
    hidden[0] = { ...hidden[0]!, score: 0.1 };
    expect(headPitchSignal(hidden)).toBeNull();
  });
});
