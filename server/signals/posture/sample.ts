// A small, readable sample of the synthetic training data for fixtures/posture/: the full
// set is generated at train time from the seed, so only this sample is committed.
import fs from 'node:fs';
import { mulberry32 } from '../random';
import { sampleExample } from './synth';
import { MODEL_LABELS } from './types';

export const SAMPLE_SEED = 20261128;
export const SAMPLE_ROWS = 40;

const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** JSON Lines: labels, observability mask, scene description, aspect, baseline and the 33 landmarks. */
export function sampleJsonl(seed = SAMPLE_SEED, n = SAMPLE_ROWS): string {
  const r = mulberry32(seed);
  const lines: string[] = [];
  while (lines.length < n) {
    const ex = sampleExample(r);
    if (!ex) continue;
    lines.push(
      JSON.stringify({
        labels: MODEL_LABELS.filter((_, k) => ex.labels[k]),
        unobservable: MODEL_LABELS.filter((_, k) => !ex.mask[k]),
        meta: { ...ex.meta, yawDeg: r4(ex.meta.yawDeg) },
        aspect: r4(ex.aspect),
        baseline:
          ex.baseline && Object.fromEntries(Object.entries(ex.baseline).map(([k, v]: [string, number]) => [k, r4(v)])),
        landmarks: ex.pose.landmarks.map((l) => [r4(l.x), r4(l.y), r4(l.z), r4(l.score)]),
      }),
    );
  }
  return lines.join('\n') + '\n';
}

export function writeSample(file: string): void {
  fs.writeFileSync(file, sampleJsonl());
}
