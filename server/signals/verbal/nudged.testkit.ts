// A second verbal model for tests, in milliseconds rather than a training run: the committed
// model with some output biases moved, saved under its own version id (as the re-analysis
// integration test makes one). A bias of +3 on a label turns borderline turns into it.
import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import { projectPath } from '../../paths';
import { loadArtifact, saveArtifact } from './artifact';

export function writeNudgedVerbalModel(out: string, nudge: Partial<Record<VerbalLabel, number>>, date = new Date('2026-01-02T00:00:00Z')): string {
  const { manifest, weights } = loadArtifact(projectPath('models', 'verbal'));
  const b2 = Float32Array.from(weights.b2);
  for (const label of VERBAL_LABELS) {
    const i = manifest.labels.indexOf(label);
    if (i < 0) throw new Error(`the committed model has no label ${label}`);
    b2[i]! += nudge[label] ?? 0;
  }
  saveArtifact(out, { dims: manifest.dims, features: { ...manifest.features, wordCharNgrams: [...manifest.features.wordCharNgrams] }, weights: { ...weights, b2 }, date });
  return out;
}
