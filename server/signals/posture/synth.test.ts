import { mulberry32 } from '../random';
import { FEATURE_COUNT, featureValue } from './features';
import type { Landmark } from '../pose/types';
import { applyFrame, frameTransform, projectPoints, type CameraSpec } from './camera';
import { drawPosture } from './poses';
import { buildSkeleton, proportions } from './skeleton';
import { generateDataset, guessHipsBehindTable, sampleExample } from './synth';
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

  it('covers every label, view and crop, with legs masked where they are out of frame or behind a table', () => {
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
      if (ex.meta.atTable) seen.add('at table');
      if (ex.meta.atTable && ex.mask[MODEL_LABELS.indexOf('legs_crossed')] !== 0) legsMaskedWithoutKnees = false;
      if (featureValue(ex.features, 'kneesOk') === 0 && ex.mask[MODEL_LABELS.indexOf('legs_crossed')] !== 0) legsMaskedWithoutKnees = false;
      expect(ex.labels).toHaveLength(L);
      expect(ex.pose.landmarks).toHaveLength(33);
    }
    expect(seen).toContain('hunched');
    expect(seen).toContain('at table');
    for (const want of [...MODEL_LABELS, 'frontal', 'three-quarter', 'side', 'crop:full', 'crop:waist', 'crop:chest']) expect(seen).toContain(want);
    expect(legsMaskedWithoutKnees).toBe(true);
  });

  it('behind a table, guesses the hidden hips one upright torso below the shoulders, so a frontal lean no longer shortens the 2D torso', () => {
    const r = mulberry32(5);
    const b = proportions(1.75);
    const cam: CameraSpec = { yaw: 0, pitch: 10 * (Math.PI / 180), roll: 0, distanceM: 2.5, aimY: b.torso * 0.6 };
    const aspect = 4 / 3;
    const upright3d = buildSkeleton(b, drawPosture(r, b, { lean: 'upright', arms: 'rest', seated: true, legsCrossed: false }).spec);
    const lean = drawPosture(r, b, { lean: 'forward', arms: 'rest', seated: true, legsCrossed: false });
    lean.spec.torsoPitch = 35 * (Math.PI / 180);
    const t = frameTransform(upright3d, projectPoints(upright3d, cam), { aspect, bottomY: -9, fill: 0.8, shiftX: 0, shiftY: 0 });
    const upright = applyFrame(projectPoints(upright3d, cam), t);
    const leaning = applyFrame(projectPoints(buildSkeleton(b, lean.spec), cam), t);
    const torso = (lm: Landmark[]): number => Math.hypot(((lm[11]!.x + lm[12]!.x - lm[23]!.x - lm[24]!.x) / 2) * aspect, (lm[11]!.y + lm[12]!.y - lm[23]!.y - lm[24]!.y) / 2);
    const guessed = guessHipsBehindTable(leaning, upright, r, aspect);
    expect(torso(leaning) / torso(upright)).toBeLessThan(0.85);
    expect(torso(guessed) / torso(upright)).toBeGreaterThan(0.84);
    expect(torso(guessed) / torso(upright)).toBeLessThan(1.16);
    // The upper body is untouched; the legs move with the hips.
    for (let i = 0; i <= 22; i++) expect(guessed[i]).toEqual(leaning[i]);
    expect(guessed[25]!.y - guessed[23]!.y).toBeCloseTo(leaning[25]!.y - leaning[23]!.y, 9);
  });
});
