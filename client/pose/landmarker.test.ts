import { FrameSampler, MAX_POSES, toPoses } from './landmarker';

const point = (i: number) => ({ x: i / 40, y: 1 - i / 40, z: -0.1234567, visibility: 0.9876543 });
const pose = (n = 33) => Array.from({ length: n }, (_, i) => point(i));

describe('toPoses', () => {
  test('maps visibility to score and rounds to 5 decimals', () => {
    const [p] = toPoses({ landmarks: [pose()] });
    expect(p?.landmarks).toHaveLength(33);
    expect(p?.landmarks[1]).toEqual({ x: 0.025, y: 0.975, z: -0.12346, score: 0.98765 });
  });

  test('clamps into the ranges the protocol accepts and drops malformed poses', () => {
    const wild = pose().map((p, i) => (i === 0 ? { ...p, x: 5, y: -3, visibility: 1.2 } : p));
    const [p] = toPoses({ landmarks: [wild, pose(17), pose().map((q) => ({ ...q, x: NaN }))] });
    expect(toPoses({ landmarks: [wild, pose(17)] })).toHaveLength(1);
    expect(p?.landmarks[0]).toMatchObject({ x: 2, y: -1, score: 1 });
  });

  test('keeps at most MAX_POSES people', () => {
    expect(toPoses({ landmarks: Array.from({ length: 6 }, () => pose()) })).toHaveLength(MAX_POSES);
  });
});

describe('FrameSampler', () => {
  test('samples at the rate in media time, and again after a seek back', () => {
    const s = new FrameSampler(5);
    const taken: number[] = [];
    for (let ms = 0; ms <= 1000; ms += 33) {
      if (s.due(ms)) {
        s.take(ms);
        taken.push(ms);
      }
    }
    expect(taken).toEqual([0, 231, 429, 627, 825]); // 5 per second on a 30 fps video
    expect(s.due(100)).toBe(true); // seek back
  });

  test('timestamps strictly increase even when the clock does not', () => {
    const s = new FrameSampler(5);
    expect([s.timestamp(10), s.timestamp(10), s.timestamp(5), s.timestamp(50.4)]).toEqual([10, 11, 12, 50]);
  });
});
