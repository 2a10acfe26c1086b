// Reads and writes the trained posture model: manifest.json (feature names, label order,
// standardiser, layer shapes, version) and weights.bin (float32 little-endian, manifest order).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FEATURE_NAMES } from './features';
import { weightShapes, type MlpDims, type Standardiser } from './net';
import { MODEL_LABELS } from './types';
import { ExtraSchema, type ExtraRecord } from '../extraRecord';
import { checkSha256, readManifest, splitFloat32 } from '../artifactFiles';
import { folderProblem, ModelFolderError, writeFolderAtomically, type ModelKind } from '../modelFolder';

export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METRICS_FILE = 'metrics.json';
/** The verbal model's weights, dropped when `train posture --force` replaces a verbal model. */
const VERBAL_WEIGHTS_FILE = 'weights.bin.gz';
const FORMAT = 'buying-signals/posture-mlp@1';

/** The posture model directory is missing, a file, another kind of model, incomplete or does not match this code. */
export class PostureModelLoadError extends ModelFolderError {
  constructor(modelDir: string, problem: string, opts: { otherKind?: ModelKind; advise?: boolean } = {}) {
    super('posture', modelDir, problem, opts);
    this.name = 'PostureModelLoadError';
  }
}

const ManifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.string().regex(/^posture-\d{8}-[0-9a-f]{8}$/),
  labels: z.array(z.string()),
  features: z.array(z.string()),
  dims: z.object({ inputs: z.number().int().positive(), hidden: z.array(z.number().int().positive()), outputs: z.number().int().positive() }),
  standardiser: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  /** Per-label decision thresholds chosen on synthetic validation data. */
  thresholds: z.array(z.number()),
  weightsSha256: z.string(),
  seed: z.number().int(),
  createdAt: z.string(),
  /** Only a model trained with `train posture --extra`: a synthetic-only model's manifest has no such field (the same bytes as before there was one). */
  extra: ExtraSchema.optional(),
});
export type PostureManifest = z.infer<typeof ManifestSchema>;

export interface PostureArtifact {
  dims: MlpDims;
  standardiser: Standardiser;
  thresholds: number[];
  weights: Float32Array[];
}

function concat(weights: readonly Float32Array[]): Buffer {
  return Buffer.concat(weights.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength)));
}

/** `posture-<yyyymmdd>-<first 8 hex of the weights' sha256>`, dated in UTC. */
export function versionId(bin: Buffer, date: Date): string {
  return `posture-${date.toISOString().slice(0, 10).replace(/-/g, '')}-${createHash('sha256').update(bin).digest('hex').slice(0, 8)}`;
}

/**
 * Writes the model (and `extra` files, e.g. metrics.json, which may need the manifest's
 * version) into `dir` atomically: a reader sees the old model or the new one, never half.
 */
export function saveArtifact(
  dir: string,
  a: PostureArtifact,
  meta: { seed: number; date: Date; extra?: ExtraRecord },
  extra: (manifest: PostureManifest) => Record<string, string> = () => ({}),
): PostureManifest {
  const bin = concat(a.weights);
  const manifest: PostureManifest = {
    format: FORMAT,
    version: versionId(bin, meta.date),
    labels: [...MODEL_LABELS],
    features: [...FEATURE_NAMES],
    dims: a.dims,
    standardiser: a.standardiser,
    thresholds: a.thresholds,
    weightsSha256: createHash('sha256').update(bin).digest('hex'),
    seed: meta.seed,
    createdAt: meta.date.toISOString(),
    ...(meta.extra !== undefined ? { extra: meta.extra } : {}),
  };
  const files = new Map<string, string | Uint8Array>([
    [WEIGHTS_FILE, bin],
    [MANIFEST_FILE, JSON.stringify(manifest, null, 1) + '\n'],
    ...Object.entries(extra(manifest)),
  ]);
  writeFolderAtomically(dir, files, [VERBAL_WEIGHTS_FILE]);
  return manifest;
}

export function loadArtifact(dir: string): { manifest: PostureManifest; artifact: PostureArtifact } {
  const mPath = path.join(dir, MANIFEST_FILE);
  const wPath = path.join(dir, WEIGHTS_FILE);
  const folder = folderProblem('posture', dir);
  if (folder) throw new PostureModelLoadError(dir, folder.problem, folder);
  if (!fs.existsSync(mPath)) throw new PostureModelLoadError(dir, `${MANIFEST_FILE} is missing`);
  if (!fs.existsSync(wPath)) throw new PostureModelLoadError(dir, `${WEIGHTS_FILE} is missing`);
  const fail = (problem: string): Error => new PostureModelLoadError(dir, problem);
  const m = readPostureManifest(dir);
  const problem = postureManifestProblem(m);
  if (problem) throw fail(problem);
  const bin = fs.readFileSync(wPath);
  checkSha256(bin, m.weightsSha256, { weights: WEIGHTS_FILE, manifest: MANIFEST_FILE }, fail);
  const counts = weightShapes(m.dims).map(({ shape }) => shape.reduce((a, b) => a * b, 1));
  const weights = splitFloat32(bin, counts, WEIGHTS_FILE, fail);
  return { manifest: m, artifact: { dims: m.dims, standardiser: m.standardiser, thresholds: m.thresholds, weights } };
}

/** The folder's manifest, parsed and checked (PostureModelLoadError when it is not one); the model library reads only this. */
export function readPostureManifest(dir: string): PostureManifest {
  return readManifest(path.join(dir, MANIFEST_FILE), ManifestSchema, (problem) => new PostureModelLoadError(dir, problem));
}

/** Why this code cannot run a model with this manifest (another label order or feature list), else undefined. */
export function postureManifestProblem(m: PostureManifest): string | undefined {
  if (m.labels.join() !== MODEL_LABELS.join()) return `label order ${m.labels.join(',')} differs from ${MODEL_LABELS.join(',')}`;
  if (m.features.join() !== FEATURE_NAMES.join()) return 'its feature list differs from this version of the code';
  return undefined;
}
