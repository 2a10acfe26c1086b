// The trained verbal classifier: loads the artifact, featurises inputs and runs one batched
// forward pass. Each loaded classifier owns its weight tensors until dispose().
import * as tf from '@tensorflow/tfjs';
import { VERBAL_LABELS, type VerbalLabel } from '../../../protocol/protocol';
import { loadArtifact, loadArtifactAsync, type Manifest } from './artifact';
import { featurize, type FeatureConfig } from './features';
import { batchTensors, encodeBatch, forwardLogits, WEIGHT_NAMES, weightShapes, type NetDims, type NetWeights, type WeightArrays } from './net';
import type { VerbalClassifier, VerbalInput, VerbalPrediction } from './types';

export interface VerbalModelOptions {
  /** Folder holding manifest.json and weights.bin, e.g. `<project>/models/verbal`. */
  modelDir: string;
}

/** Default largest batch per forward pass; larger inputs are split to bound memory. */
export const DEFAULT_MAX_BATCH = 4096;

/**
 * Loads the model from disk. Call initTf() first so the weights land on the chosen backend.
 * Throws ModelLoadError (naming the rebuild command) if the folder is missing or broken.
 */
export function loadVerbalClassifier(opts: VerbalModelOptions): VerbalClassifier {
  const { manifest, weights } = loadArtifact(opts.modelDir);
  return createVerbalClassifier({ version: manifest.version, dims: manifest.dims, features: manifest.features, weights });
}

/** loadVerbalClassifier with the weights read and unzipped off the event loop (a switch of the running model). */
export async function loadVerbalClassifierAsync(opts: VerbalModelOptions): Promise<VerbalClassifier> {
  const { manifest, weights } = await loadArtifactAsync(opts.modelDir);
  return createVerbalClassifier({
    version: manifest.version,
    dims: manifest.dims,
    features: manifest.features,
    weights,
  });
}

export interface ClassifierParts {
  version: string;
  dims: NetDims;
  features: FeatureConfig | Manifest['features'];
  weights: WeightArrays;
  maxBatch?: number;
}

/** Builds a classifier from weight arrays (used by the loader and by training's validation). */
export function createVerbalClassifier(parts: ClassifierParts): VerbalClassifier {
  const { dims, features } = parts;
  const maxBatch = parts.maxBatch ?? DEFAULT_MAX_BATCH;
  const shapes = weightShapes(dims);
  const net = Object.fromEntries(WEIGHT_NAMES.map((n) => [n, tf.tensor(parts.weights[n], shapes[n])])) as NetWeights;
  let disposed = false;

  const runChunk = (inputs: readonly VerbalInput[]): VerbalPrediction[] => {
    const batch = encodeBatch(inputs.map((i) => featurize(i, features)), dims);
    const probs = tf.tidy(() => tf.softmax(forwardLogits(net, batchTensors(batch, dims.dense))));
    const data = probs.dataSync();
    probs.dispose();
    return inputs.map((_, row) => toPrediction(data, row * dims.labels));
  };

  return {
    version: parts.version,
    classify(inputs) {
      if (disposed) throw new Error(`verbal classifier ${parts.version} was disposed`);
      const out: VerbalPrediction[] = [];
      for (let i = 0; i < inputs.length; i += maxBatch) out.push(...runChunk(inputs.slice(i, i + maxBatch)));
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const n of WEIGHT_NAMES) net[n].dispose();
    },
  };
}

function toPrediction(probs: ArrayLike<number>, offset: number): VerbalPrediction {
  const scores = {} as Record<VerbalLabel, number>;
  let best: VerbalLabel = 'neutral';
  let bestScore = -1;
  VERBAL_LABELS.forEach((label, k) => {
    const p = probs[offset + k] ?? 0;
    scores[label] = p;
    if (p > bestScore) {
      best = label;
      bestScore = p;
    }
  });
  return { label: best, score: bestScore, scores };
}
