import { mulberry32 } from '../random';
import { FEATURE_COUNT, featureValue } from './features';
import { generateDataset, sampleExample } from './synth';
import { MODEL_LABELS } from './types';

describe('synthetic posture data', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateDataset(3, 200);
    const b = generateDataset(3, 200);
    const c = generateDataset(4, 200);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
    expect(Buffer.from(a.y.buffer).equals(Buffer.from(b.y.buffer))).toBe(true);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(c.x.buffer))).toBe(false);
    expect(a.x.length).toBe(200 * FEATURE_COUNT);
  });

  it('covers every label, view and crop, with legs masked where they are out of frame', () => {
    const r = mulberry32(11);
    const seen = new Set<string>();
    const L = MODEL_LABELS.length;
    let legsMaskedWithoutKnees = true;
    for (let i = 0; i < 1500; i++) {
      const ex = sampleExample(r);
      if (!ex) continue;
      ex.labels.forEach((v, k) => v && seen.add(MODEL_LABELS[k]!));
      const yaw = Math.abs(ex.meta.yawDeg);
      seen.add(yaw < 20 ? 'frontal' : yaw < 60 ? 'three-quarter' : 'side');
      seen.add(`crop:${ex.meta.crop}`);
      if (ex.meta.armStyle.includes('(hunched)') && ex.meta.lean === 'forward') seen.add('hunched');
      if (featureValue(ex.features, 'kneesOk') === 0 && ex.mask[MODEL_LABELS.indexOf('legs_crossed')] !== 0) legsMaskedWithoutKnees = false;
      expect(ex.labels).toHaveLength(L);
      expect(ex.pose.landmarks).toHaveLength(33);
    }
    expect(seen).toContain('hunched');
    for (const want of [...MODEL_LABELS, 'frontal', 'three-quarter', 'side', 'crop:full', 'crop:waist', 'crop:chest']) expect(seen).toContain(want);
    expect(legsMaskedWithoutKnees).toBe(true);
  });
});
