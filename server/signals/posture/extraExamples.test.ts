import { computeFeatures, FEATURE_COUNT } from './features';
import { checkTrainingRows, extraExamples, withExtraExamples } from './extraExamples';
import { parseLabelRows } from './labelRows';
import { generateDataset } from './synth';
import { ARMS, posture, view } from './testkit';
import { MODEL_LABELS } from './types';

const L = MODEL_LABELS.length;
const crossed = view(posture(ARMS.crossed));
const row = (labels: string[], over: object = {}) => JSON.stringify({ landmarks: crossed.landmarks, aspect: 4 / 3, labels, ...over });
const rowsOf = (...lines: string[]) => parseLabelRows(lines.join('\n'), 'x.jsonl');

describe('coaches\' labelled frames as training examples', () => {
  it('measures each row as a photo is measured (no baseline) and sets a given label to 1, the others to 0', () => {
    const { examples, unusable } = extraExamples(rowsOf(row(['arms_crossed', 'leaning_forward']), row(['neutral'], { aspect: undefined })));
    expect(unusable).toEqual([]);
    expect(examples.n).toBe(2);
    expect(examples.x.subarray(0, FEATURE_COUNT)).toEqual(computeFeatures(crossed, { aspect: 4 / 3 })!.values);
    expect(examples.x.subarray(FEATURE_COUNT)).toEqual(computeFeatures(crossed)!.values);
    const targets = (i: number) => Object.fromEntries(MODEL_LABELS.map((l, k) => [l, examples.y[i * L + k]]));
    expect(targets(0)).toEqual({ arms_crossed: 1, leaning_forward: 1, leaning_back: 0, open_palms: 0, legs_crossed: 0, sitting_far: 0 });
    expect(targets(1)).toEqual({ arms_crossed: 0, leaning_forward: 0, leaning_back: 0, open_palms: 0, legs_crossed: 0, sitting_far: 0 });
    expect([...examples.mask]).toEqual(new Array(2 * L).fill(1)); // the knees are in view
  });

  it('leaves crossed legs unknown (no loss) on a frame without the knees unless it is labelled, and leaves out poses that cannot be measured', () => {
    const noKnees = crossed.landmarks.map((l, i) => (i >= 25 ? { ...l, score: 0 } : l));
    const noShoulders = crossed.landmarks.map((l, i) => (i === 11 || i === 12 ? { ...l, score: 0 } : l));
    const { examples, unusable } = extraExamples(
      rowsOf(row(['neutral'], { landmarks: noKnees }), row(['neutral'], { landmarks: noShoulders }), row(['legs_crossed'], { landmarks: noKnees })),
    );
    expect(unusable).toEqual([2]);
    expect(examples.n).toBe(2);
    const legs = MODEL_LABELS.indexOf('legs_crossed');
    expect([examples.mask[legs], examples.mask[L + legs], examples.y[L + legs]]).toEqual([0, 1, 1]);
  });

  it.each([
    [[JSON.stringify({ file: 'a.jpg', labels: ['neutral'] })], 'x.jsonl:1: train on landmark rows; photos need a pose estimate first — '],
    [[row(['neutral']), row(['nodding', 'leaning_forward'])], 'x.jsonl:2: field "labels": "nodding" is movement over time'],
    [[row(['neutral', 'open_palms'])], 'x.jsonl:1: field "labels": "neutral" means none of arms_crossed, leaning_forward, leaning_back, open_palms, and the row also says open_palms'],
  ])('refuses what cannot be trained on, naming the line (%#)', (lines, message) => {
    expect(() => checkTrainingRows(rowsOf(...lines), 'x.jsonl')).toThrow(message);
  });

  it('appends each extra example weight times after the synthetic draw, which is itself without them', () => {
    const synth = generateDataset(5, 20);
    expect(withExtraExamples(synth, undefined)).toBe(synth);
    const { examples } = extraExamples(rowsOf(row(['arms_crossed']), row(['neutral'])));
    expect(withExtraExamples(synth, { examples: { ...examples, n: 0 }, weight: 3 })).toBe(synth);
    const d = withExtraExamples(synth, { examples, weight: 3 });
    expect(d.n).toBe(26);
    expect(d.x.subarray(0, 20 * FEATURE_COUNT)).toEqual(synth.x);
    expect(d.mask.subarray(0, 20 * L)).toEqual(synth.mask);
    for (const [k, from] of [[20, 0], [22, 0], [23, 1], [25, 1]] as const) {
      expect(d.x.subarray(k * FEATURE_COUNT, (k + 1) * FEATURE_COUNT)).toEqual(examples.x.subarray(from * FEATURE_COUNT, (from + 1) * FEATURE_COUNT));
      expect(d.y.subarray(k * L, (k + 1) * L)).toEqual(examples.y.subarray(from * L, (from + 1) * L));
    }
    expect(() => withExtraExamples(synth, { examples, weight: 0 })).toThrow(/whole number/);
  });
});
