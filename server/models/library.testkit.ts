// Model library folders for tests: copies of the committed verbal model under another version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../paths';

export const BASE_MODEL_DIR = projectPath('models', 'verbal');

/** A temp models dir (its `verbal/` library made, empty); remove it with fs.rmSync(dir, { recursive: true }). */
export function tempModelsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-models-'));
  fs.mkdirSync(path.join(dir, 'verbal'));
  return dir;
}

/**
 * `<modelsDir>/verbal/<name>/`: the committed model's files, its manifest's version (and
 * metrics' version) set to `version`, `extra` recorded as `train verbal --extra` records it.
 */
export function addLibraryModel(modelsDir: string, name: string, version: string, opts: { extra?: { weight: number; rows: number } } = {}): string {
  const dir = path.join(modelsDir, 'verbal', name);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['weights.bin.gz', 'metrics.json']) fs.copyFileSync(path.join(BASE_MODEL_DIR, f), path.join(dir, f));
  const manifest = JSON.parse(fs.readFileSync(path.join(BASE_MODEL_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest.version = version;
  if (opts.extra) manifest.extra = { weight: opts.extra.weight, files: [{ path: 'server:corrections@2026-12-01T07:00:00Z', sha256: 'ab'.repeat(32), rows: opts.extra.rows }] };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ ...metrics, version }, null, 2));
  return dir;
}

export const BASE_POSTURE_DIR = projectPath('models', 'posture');

/**
 * `<modelsDir>/posture/<name>/`: the committed posture model's files (the same weights, so it
 * loads), its manifest's version (and metrics' version) set to `version` (posture-yyyymmdd-8 hex),
 * `extra` recorded as `train posture --extra` records it.
 */
export function addPostureLibraryModel(modelsDir: string, name: string, version: string, opts: { extra?: { weight: number; rows: number } } = {}): string {
  const dir = path.join(modelsDir, 'posture', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(BASE_POSTURE_DIR, 'weights.bin'), path.join(dir, 'weights.bin'));
  const manifest = JSON.parse(fs.readFileSync(path.join(BASE_POSTURE_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  manifest.version = version;
  if (opts.extra) manifest.extra = { weight: opts.extra.weight, files: [{ path: 'server:posture-labels@2026-12-01T07:00:00Z', sha256: 'cd'.repeat(32), rows: opts.extra.rows }] };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  const metrics = JSON.parse(fs.readFileSync(path.join(BASE_POSTURE_DIR, 'metrics.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ ...metrics, version }, null, 2));
  return dir;
}
