// The trained posture classifier: raw inference only (feature vectors in, probabilities
// out). Each classifier owns its weight tensors until dispose(); stateful logic (baseline,
// smoothing, events) lives in tracker.ts.
import * as tf from '@tensorflow/tfjs';
import { loadArtifact, type PostureArtifact } from './artifact';
import { FEATURE_COUNT } from './features';
import { forwardLogits } from './net';
import { MODEL_LABELS, type PostureScores } from './types';

export interface PostureModelOptions {
  /** Folder holding manifest.json and weights.bin, e.g. `<project>/models/posture`. */
  modelDir: string;
}

export interface PostureClassifier {
  readonly version: string;
  /** Per-label decision thresholds (probabilities), in MODEL_LABELS order. */
  readonly thresholds: Readonly<PostureScores>;
  /** One probability per label for each feature vector. */
  predict(features: readonly Float32Array[]): PostureScores[];
  dispose(): void;
}

/** Loads the model; call initTf() first. Throws PostureModelLoadError naming the train command. */
export function loadPostureClassifier(opts: PostureModelOptions): PostureClassifier {
  const { manifest, artifact } = loadArtifact(opts.modelDir);
  return createPostureClassifier(manifest.version, artifact);
}

export function createPostureClassifier(version: string, a: PostureArtifact): PostureClassifier {
  if (a.dims.inputs !== FEATURE_COUNT) throw new Error(`posture model ${version} takes ${a.dims.inputs} features, this code makes ${FEATURE_COUNT}`);
  const shapes = [a.dims.inputs, ...a.dims.hidden, a.dims.outputs];
  const weights = a.weights.map((w, i) => (i % 2 === 0 ? tf.tensor2d(w, [shapes[i / 2]!, shapes[i / 2 + 1]!]) : tf.tensor1d(w)));
  const norm = { mean: tf.tensor1d(a.standardiser.mean), std: tf.tensor1d(a.standardiser.std) };
  const thresholds = Object.fromEntries(MODEL_LABELS.map((l, k) => [l, a.thresholds[k] ?? 0.5])) as PostureScores;
  let disposed = false;
  return {
    version,
    thresholds,
    predict(features) {
      if (disposed) throw new Error(`posture classifier ${version} was disposed`);
      if (!features.length) return [];
      const flat = new Float32Array(features.length * FEATURE_COUNT);
      features.forEach((f, i) => {
        if (f.length !== FEATURE_COUNT) throw new Error(`feature vector ${i} has ${f.length} values, expected ${FEATURE_COUNT}`);
        flat.set(f, i * FEATURE_COUNT);
      });
      const probs = tf.tidy(() => tf.sigmoid(forwardLogits(weights, norm, tf.tensor2d(flat, [features.length, FEATURE_COUNT]))));
      const data = probs.dataSync();
      probs.dispose();
      const L = MODEL_LABELS.length;
      return features.map((_, i) => Object.fromEntries(MODEL_LABELS.map((l, k) => [l, data[i * L + k] ?? 0])) as PostureScores);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const w of weights) w.dispose();
      norm.mean.dispose();
      norm.std.dispose();
    },
  };
}
