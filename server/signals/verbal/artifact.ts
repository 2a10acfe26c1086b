// Reads and writes the trained verbal model: manifest.json (shapes, feature config, label
// order, version) and weights.bin.gz (float32, little-endian, in manifest order, gzipped:
// the hashed embedding is mostly zero rows, so gzip stores it in a fraction of the raw size).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { z } from 'zod';
import { ExtraSchema, type ExtraRecord } from '../extraRecord';
import { VERBAL_LABELS } from '../../../protocol/protocol';
import { DEFAULT_FEATURE_CONFIG, DENSE_FEATURE_NAMES, type FeatureConfig } from './features';
import { POOLINGS, WEIGHT_NAMES, weightShapes, type NetDims, type WeightArrays } from './net';
import { checkSha256, readManifest, splitFloat32 } from '../artifactFiles';
import { folderProblem, ModelFolderError, writeFolderAtomically, type ModelKind } from '../modelFolder';

export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin.gz';
/** Uncompressed weights written by older versions; still read when no WEIGHTS_FILE exists. */
export const LEGACY_WEIGHTS_FILE = 'weights.bin';
export const METRICS_FILE = 'metrics.json';
const FORMAT = 'buying-signals/verbal-fasttext@1';
/** Output piece of loadArtifactAsync's gunzip. */
const GUNZIP_CHUNK = 8 * 1024 * 1024;

/** The verbal model directory is missing, a file, another kind of model, incomplete or does not match this code. */
export class ModelLoadError extends ModelFolderError {
  constructor(modelDir: string, problem: string, opts: { otherKind?: ModelKind; advise?: boolean } = {}) {
    super('verbal', modelDir, problem, opts);
    this.name = 'ModelLoadError';
  }
}

// What `train verbal --extra FILE` added to the corpus (extraRecord.ts), shared with posture.
export type { ExtraRecord } from '../extraRecord';

const ManifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.string().regex(/^verbal-\d{8}-[0-9a-f]{6,}$/),
  labels: z.array(z.string()),
  features: z.object({
    buckets: z.number().int().positive(),
    maxCjkNgram: z.number().int().min(1).max(3),
    wordCharNgrams: z.array(z.number().int().positive()),
    featureVersion: z.number().int(),
  }),
  denseFeatures: z.array(z.string()),
  dims: z.object({
    buckets: z.number().int().positive(),
    pooling: z.enum(POOLINGS),
    dim: z.number().int().positive(),
    hidden: z.number().int().positive(),
    dense: z.number().int().nonnegative(),
    labels: z.number().int().positive(),
  }),
  weights: z.array(z.object({ name: z.enum(WEIGHT_NAMES), shape: z.array(z.number().int()), dtype: z.literal('float32') })),
  weightsSha256: z.string(),
  createdAt: z.string(),
  /** Only a model trained with extra files: a corpus-only model's manifest has no such field (the same bytes as before there was one). */
  extra: ExtraSchema.optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export interface LoadedArtifact {
  manifest: Manifest;
  weights: WeightArrays;
}

function concatWeights(w: WeightArrays): Buffer {
  return Buffer.concat(WEIGHT_NAMES.map((n) => Buffer.from(w[n].buffer, w[n].byteOffset, w[n].byteLength)));
}

/** `verbal-<yyyymmdd>-<first 8 hex of the weights' sha256>`, dated in UTC. */
export function versionId(weightsBin: Buffer, date: Date): string {
  const ymd = date.toISOString().slice(0, 10).replace(/-/g, '');
  return `verbal-${ymd}-${createHash('sha256').update(weightsBin).digest('hex').slice(0, 8)}`;
}

export interface ArtifactParts {
  dims: NetDims;
  features: FeatureConfig;
  weights: WeightArrays;
  date: Date;
  extra?: ExtraRecord;
}

/** The manifest and the files of a model (by name), to write with saveArtifact or beside other files. */
export function artifactFiles(parts: ArtifactParts): { manifest: Manifest; files: Map<string, string | Uint8Array> } {
  const bin = concatWeights(parts.weights);
  const shapes = weightShapes(parts.dims);
  const manifest: Manifest = {
    format: FORMAT,
    version: versionId(bin, parts.date),
    labels: [...VERBAL_LABELS],
    features: { ...parts.features, wordCharNgrams: [...parts.features.wordCharNgrams] },
    denseFeatures: [...DENSE_FEATURE_NAMES],
    dims: parts.dims,
    weights: WEIGHT_NAMES.map((name) => ({ name, shape: shapes[name], dtype: 'float32' as const })),
    weightsSha256: createHash('sha256').update(bin).digest('hex'),
    createdAt: parts.date.toISOString(),
    ...(parts.extra !== undefined ? { extra: parts.extra } : {}),
  };
  // Lossless; the checksum and version id are over the raw float32 bytes, so they do not
  // depend on the compressor. Node's gzip header carries no timestamp: same weights, same file.
  const files = new Map<string, string | Uint8Array>([
    [WEIGHTS_FILE, zlib.gzipSync(bin, { level: 9 })],
    [MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n'],
  ]);
  return { manifest, files };
}

/**
 * Writes the model (and `extra` files, e.g. metrics.json) into `dir` atomically: a reader sees
 * the old model or the new one, never half of one. An older uncompressed weights.bin goes.
 */
export function saveArtifact(dir: string, parts: ArtifactParts, extra: Record<string, string> = {}): Manifest {
  const { manifest, files } = artifactFiles(parts);
  for (const [name, text] of Object.entries(extra)) files.set(name, text);
  writeFolderAtomically(dir, files, [LEGACY_WEIGHTS_FILE]);
  return manifest;
}

/**
 * The manifest of the verbal model in `dir`, read and checked as loadArtifact reads it, without
 * its weights: what a caller that has loaded the model already needs of it (its `extra` record).
 */
export function readVerbalManifest(dir: string): Manifest {
  return readManifest(path.join(dir, MANIFEST_FILE), ManifestSchema, (problem) => new ModelLoadError(dir, problem));
}

export function loadArtifact(dir: string): LoadedArtifact {
  const { m, compressed, fail, bytes } = checkedFolder(dir);
  const weightsPath = path.join(dir, compressed ? WEIGHTS_FILE : LEGACY_WEIGHTS_FILE);
  let bin: Buffer;
  if (compressed) {
    try {
      bin = zlib.gunzipSync(fs.readFileSync(weightsPath), { maxOutputLength: bytes });
    } catch (e) {
      throw fail(gunzipProblem(e, bytes));
    }
  } else {
    bin = fs.readFileSync(weightsPath);
  }
  return artifactFrom(m, bin, compressed, fail);
}

/**
 * loadArtifact with the weights read and unzipped off the event loop (the server's switch of the
 * running model: live turns go on meanwhile); the same checks and errors.
 */
export async function loadArtifactAsync(dir: string): Promise<LoadedArtifact> {
  const { m, compressed, fail, bytes } = checkedFolder(dir);
  const weightsPath = path.join(dir, compressed ? WEIGHTS_FILE : LEGACY_WEIGHTS_FILE);
  const raw = await fs.promises.readFile(weightsPath);
  let bin: Buffer;
  if (compressed) {
    try {
      // In big pieces: at the default 16 KB, the 25 MB of weights took ~1,600 trips through the
      // event loop, each behind a live turn (2.8 s under a live meeting here).
      bin = await new Promise<Buffer>((resolve, reject) => zlib.gunzip(raw, { chunkSize: GUNZIP_CHUNK, maxOutputLength: bytes }, (err, out) => (err ? reject(err) : resolve(out))));
    } catch (e) {
      throw fail(gunzipProblem(e, bytes));
    }
  } else {
    bin = raw;
  }
  return artifactFrom(m, bin, compressed, fail);
}

/** Why the weights did not unzip: more than the manifest's dims give (a bomb), or no gzip. */
function gunzipProblem(e: unknown, bytes: number): string {
  if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return `${WEIGHTS_FILE} unzips to more than the ${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB of weights its manifest's dims give`;
  return `${WEIGHTS_FILE} is not a valid gzip file (${(e as Error).message})`;
}

/**
 * The most weights a verbal model may have (ours: 25 MiB). A library folder is read when an
 * analyst runs it: a manifest's dims (not otherwise bounded) or a gzip bomb would otherwise have
 * the server allocate whatever they say (a 5 GB unzip reached ~4 GB before failing).
 */
export const VERBAL_WEIGHTS_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The folder and its manifest checked before any weight is read; `bytes`, what the weights
 * unzip to by the manifest's dims (no more is unzipped: a bomb stops there). The weights file
 * must be a regular file no larger than that (a named pipe would wait for good).
 */
function checkedFolder(dir: string): { m: Manifest; compressed: boolean; fail: (problem: string) => Error; bytes: number } {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const gzPath = path.join(dir, WEIGHTS_FILE);
  const legacyPath = path.join(dir, LEGACY_WEIGHTS_FILE);
  const folder = folderProblem('verbal', dir);
  if (folder) throw new ModelLoadError(dir, folder.problem, folder);
  if (!fs.existsSync(manifestPath)) throw new ModelLoadError(dir, `${MANIFEST_FILE} is missing`);
  const compressed = fs.existsSync(gzPath);
  if (!compressed && !fs.existsSync(legacyPath)) throw new ModelLoadError(dir, `${WEIGHTS_FILE} is missing`);
  const fail = (problem: string): Error => new ModelLoadError(dir, problem);
  const m = readManifest(manifestPath, ManifestSchema, fail);
  const problem = manifestProblem(m);
  if (problem) throw fail(problem);
  const shapes = weightShapes(m.dims);
  const bytes = 4 * WEIGHT_NAMES.reduce((n, name) => n + shapes[name].reduce((a, b) => a * b, 1), 0);
  const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes > VERBAL_WEIGHTS_MAX_BYTES) throw fail(`its dims give ${mib(bytes)} of weights, more than the ${mib(VERBAL_WEIGHTS_MAX_BYTES)} a verbal model may have`);
  const weightsName = compressed ? WEIGHTS_FILE : LEGACY_WEIGHTS_FILE;
  const st = fs.statSync(compressed ? gzPath : legacyPath);
  if (!st.isFile()) throw fail(`${weightsName} is not a file`);
  // Gzip adds a few bytes per 64 KB to data it cannot shrink: far less than a MiB here.
  if (st.size > bytes + 1024 * 1024) throw fail(`${weightsName} is ${mib(st.size)}, more than the ${mib(bytes)} of weights its manifest's dims give`);
  return { m, compressed, fail, bytes };
}

/** Why this code cannot run the model a (schema-valid) manifest describes, or undefined. */
export function manifestProblem(m: Manifest): string | undefined {
  if (m.labels.join() !== VERBAL_LABELS.join())
    return `label order ${m.labels.join(',')} differs from ${VERBAL_LABELS.join(',')}`;
  if (m.features.featureVersion !== DEFAULT_FEATURE_CONFIG.featureVersion) {
    return `it was trained with feature version ${m.features.featureVersion}, this code makes version ${DEFAULT_FEATURE_CONFIG.featureVersion}`;
  }
  if (m.denseFeatures.join() !== DENSE_FEATURE_NAMES.join())
    return 'its dense features differ from this version of the code';
  return undefined;
}

function artifactFrom(m: Manifest, bin: Buffer, compressed: boolean, fail: (problem: string) => Error): LoadedArtifact {
  const weightsName = compressed ? WEIGHTS_FILE : LEGACY_WEIGHTS_FILE;
  checkSha256(bin, m.weightsSha256, { weights: weightsName, manifest: MANIFEST_FILE }, fail);
  const expected = weightShapes(m.dims);
  for (const name of WEIGHT_NAMES) {
    const entry = m.weights.find((w) => w.name === name);
    if (!entry || entry.shape.join() !== expected[name].join()) {
      throw fail(`weight ${name} has shape ${entry?.shape.join('x') ?? 'none'}, expected ${expected[name].join('x')}`);
    }
  }
  const arrays = splitFloat32(bin, WEIGHT_NAMES.map((name) => expected[name].reduce((a, b) => a * b, 1)), weightsName, fail);
  const out = Object.fromEntries(WEIGHT_NAMES.map((name, i) => [name, arrays[i]!])) as WeightArrays;
  return { manifest: m, weights: out };
}
