import { computeFeatures, FEATURE_COUNT, featureValue } from './features';
import { ARMS, posture, view } from './testkit';
import type { Baseline } from './types';

const feat = (pose: Parameters<typeof computeFeatures>[0], aspect = 4 / 3, baseline?: Baseline) => {
  const f = computeFeatures(pose, { aspect, baseline });
  if (!f) throw new Error('no features');
  return f;
};

describe('posture features on hand-built skeletons', () => {
  it('sees crossed arms: wrists past the midline and forearms crossing', () => {
    const crossed = feat(view(posture(ARMS.crossed))).values;
    const hanging = feat(view(posture(ARMS.hanging))).values;
    expect(featureValue(crossed, 'crossAmount')).toBeLessThan(-0.1);
    expect(featureValue(crossed, 'forearmsCross')).toBe(1);
    expect(featureValue(crossed, 'lWristToOppElbow')).toBeLessThan(featureValue(hanging, 'lWristToOppElbow'));
    expect(featureValue(hanging, 'crossAmount')).toBeGreaterThan(0.2);
    expect(featureValue(hanging, 'forearmsCross')).toBe(0);
  });

  it('sees crossed arms from a three-quarter view too', () => {
    const crossed = feat(view(posture(ARMS.crossed), { yawDeg: 40 })).values;
    expect(featureValue(crossed, 'crossAmount')).toBeLessThan(0);
  });

  it('measures a forward lean in a side view and none when upright', () => {
    const lean = feat(view(posture(ARMS.hanging, 30), { yawDeg: 85 })).values;
    const upright = feat(view(posture(ARMS.hanging, 0), { yawDeg: 85 })).values;
    expect(featureValue(lean, 'leanForward2d')).toBeGreaterThan(0.3);
    expect(Math.abs(featureValue(upright, 'leanForward2d'))).toBeLessThan(0.1);
    const back = feat(view(posture(ARMS.hanging, -25), { yawDeg: -85 })).values;
    expect(featureValue(back, 'leanForward2d')).toBeLessThan(-0.25);
  });

  it('reads a frontal lean toward the camera against the participant baseline', () => {
    const upright = posture(ARMS.hanging);
    const base = feat(view(upright)).body;
    const lean = feat(view(posture(ARMS.hanging, 30), { frameFrom: upright }), 4 / 3, base).values;
    const same = feat(view(upright, { frameFrom: upright }), 4 / 3, base).values;
    expect(featureValue(lean, 'hasBaseline')).toBe(1);
    expect(featureValue(lean, 'baseShoulder')).toBeGreaterThan(0.03);
    expect(Math.abs(featureValue(same, 'baseShoulder'))).toBeLessThan(1e-6);
    expect(featureValue(lean, 'leanZ')).toBeGreaterThan(featureValue(same, 'leanZ') + 0.2);
  });

  it('sees the head drop toward the shoulders when hunched over, in a frontal view with no baseline', () => {
    const upright = feat(view(posture(ARMS.hanging))).values;
    const hunched = feat(view({ ...posture(ARMS.hanging, 20, 40), shoulderFwd: 0.06 })).values;
    expect(featureValue(hunched, 'earsUp')).toBeLessThan(featureValue(upright, 'earsUp') - 0.3);
    expect(featureValue(hunched, 'noseUp')).toBeLessThan(featureValue(upright, 'noseUp') - 0.3);
    expect(featureValue(hunched, 'headPitch')).toBeGreaterThan(featureValue(upright, 'headPitch'));
    // Measured in head sizes, so a smaller picture gives the same numbers.
    const far = feat(view({ ...posture(ARMS.hanging, 20, 40), shoulderFwd: 0.06 }, { fill: 0.4 })).values;
    expect(featureValue(far, 'earsUp')).toBeCloseTo(featureValue(hunched, 'earsUp'), 3);
  });

  it('does not change with image position or size', () => {
    const a = feat(view(posture(ARMS.openPalm), { fill: 0.9 })).values;
    const b = feat(view(posture(ARMS.openPalm), { fill: 0.4, shiftX: 0.3 })).values;
    for (const name of ['crossAmount', 'lWristLat', 'rWristUp', 'shoulderWidth2d', 'lHandSpread', 'leanZ']) {
      expect(featureValue(b, name)).toBeCloseTo(featureValue(a, name), 3);
    }
    expect(featureValue(b, 'logBodyScale')).toBeLessThan(featureValue(a, 'logBodyScale'));
  });

  it('masks and fills missing parts instead of failing', () => {
    const pose = view(posture(ARMS.hanging));
    for (const i of [23, 24, 25, 26, 27, 28, 15]) pose.landmarks[i] = { ...pose.landmarks[i]!, score: 0 };
    const f = feat(pose).values;
    expect(f).toHaveLength(FEATURE_COUNT);
    expect(f.every(Number.isFinite)).toBe(true);
    expect(featureValue(f, 'hipsOk')).toBe(0);
    expect(featureValue(f, 'kneesOk')).toBe(0);
    expect(featureValue(f, 'lWristOk')).toBe(0);
    expect(featureValue(f, 'lWristLat')).toBe(0);
    expect(featureValue(f, 'rWristOk')).toBe(1);
  });

  it('returns null without shoulders and rejects a wrong landmark count', () => {
    const pose = view(posture(ARMS.hanging));
    pose.landmarks[11] = { ...pose.landmarks[11]!, x: 1.5 };
    expect(computeFeatures(pose)).toBeNull();
    expect(() => computeFeatures({ ...pose, landmarks: pose.landmarks.slice(0, 17) })).toThrow(/17 landmarks, expected 33/);
  });
});
