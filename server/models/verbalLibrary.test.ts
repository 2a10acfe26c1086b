import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addLibraryModel, BASE_MODEL_DIR, tempModelsDir } from './library.testkit';
import { BASE_ID, dirOfId, idsOfVersion, listLibrary, shownInLibrary } from './verbalLibrary';
import { projectPath } from '../paths';

const BASE_VERSION = (JSON.parse(fs.readFileSync(path.join(BASE_MODEL_DIR, 'manifest.json'), 'utf8')) as { version: string }).version;

describe('the verbal model library', () => {
  let modelsDir: string;
  beforeEach(() => {
    modelsDir = tempModelsDir();
  });
  afterEach(() => fs.rmSync(modelsDir, { recursive: true, force: true }));
  const lib = (name: string) => path.join(modelsDir, 'verbal', name);

  it('lists the base model first, then every valid library folder by name, with its figures', () => {
    addLibraryModel(modelsDir, 'b-retrained', 'verbal-20261201-bbbbbbbb', { extra: { weight: 3, rows: 42 } });
    addLibraryModel(modelsDir, 'a-plain', 'verbal-20261201-aaaaaaaa');
    const { models, skipped } = listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir });
    expect(skipped).toEqual([]);
    expect(models.map((m) => [m.id, m.version])).toEqual([
      [BASE_ID, BASE_VERSION],
      ['lib/a-plain', 'verbal-20261201-aaaaaaaa'],
      ['lib/b-retrained', 'verbal-20261201-bbbbbbbb'],
    ]);
    const base = models[0]!;
    expect(base.path).toBe(path.join('models', 'verbal'));
    // A library outside the project: each folder relative to the models dir.
    expect(models[1]!.path).toBe(path.join('verbal', 'a-plain'));
    expect(base.trainRows).toBeGreaterThan(1000);
    expect(base.macroF1).toBeGreaterThan(0.5);
    expect(base.extra).toBeNull();
    expect(models[2]!.extra).toEqual({ weight: 3, rows: 42, files: ['server:corrections@2026-12-01T07:00:00Z'] });
  });

  it('is read afresh: a folder renamed into place is listed by the next call', () => {
    expect(listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir }).models).toHaveLength(1);
    const tmp = addLibraryModel(modelsDir, '.tmp-job1', 'verbal-20261201-cccccccc');
    expect(listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir }).models).toHaveLength(1);
    fs.renameSync(tmp, lib('verbal-20261201-cccccccc'));
    expect(listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir }).models.map((m) => m.id)).toEqual([BASE_ID, 'lib/verbal-20261201-cccccccc']);
  });

  it('skips, with a reason, folders that are no model it can run, and does not fail for them', () => {
    addLibraryModel(modelsDir, '.tmp-job2', 'verbal-20261201-dddddddd');
    fs.mkdirSync(lib('empty'));
    fs.mkdirSync(lib('unreadable'));
    fs.writeFileSync(path.join(lib('unreadable'), 'manifest.json'), '{ "format": "buying-signals/verbal');
    const half = addLibraryModel(modelsDir, 'half-written', 'verbal-20261201-eeeeeeee');
    fs.rmSync(path.join(half, 'weights.bin.gz'));
    const wrongFormat = addLibraryModel(modelsDir, 'wrong-format', 'verbal-20261201-ffffffff');
    const m = JSON.parse(fs.readFileSync(path.join(wrongFormat, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(wrongFormat, 'manifest.json'), JSON.stringify({ ...m, format: 'buying-signals/verbal-fasttext@9' }));
    const oldFeatures = addLibraryModel(modelsDir, 'old-features', 'verbal-20261201-abababab');
    const o = JSON.parse(fs.readFileSync(path.join(oldFeatures, 'manifest.json'), 'utf8')) as { features: Record<string, unknown> };
    fs.writeFileSync(path.join(oldFeatures, 'manifest.json'), JSON.stringify({ ...o, features: { ...o.features, featureVersion: 1 } }));
    fs.writeFileSync(lib('notes.txt'), 'not a model');
    addLibraryModel(modelsDir, 'good', 'verbal-20261201-12345678');
    const { models, skipped } = listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir });
    expect(models.map((m) => m.id)).toEqual([BASE_ID, 'lib/good']);
    const reason = (name: string) => skipped.find((s) => s.path.endsWith(`${path.sep}${name}`))?.reason;
    expect(reason('.tmp-job2')).toMatch(/being written/);
    expect(reason('empty')).toMatch(/manifest\.json is missing/);
    expect(reason('unreadable')).toMatch(/not valid JSON/);
    expect(reason('half-written')).toMatch(/weights\.bin\.gz is missing/);
    expect(reason('wrong-format')).toMatch(/format/);
    expect(reason('old-features')).toMatch(/feature version 1/);
    expect(reason('notes.txt')).toBe('not a folder');
    expect(skipped).toHaveLength(7);
  });

  it('reads no huge manifest or metrics (a listing would hold the server and its memory for each): skipped or no figures, naming the limit', () => {
    const hugeManifest = addLibraryModel(modelsDir, 'huge-manifest', 'verbal-20261201-11111111');
    fs.truncateSync(path.join(hugeManifest, 'manifest.json'), 64 * 1024 * 1024);
    const hugeMetrics = addLibraryModel(modelsDir, 'huge-metrics', 'verbal-20261201-22222222');
    fs.truncateSync(path.join(hugeMetrics, 'metrics.json'), 64 * 1024 * 1024);
    const read = jest.spyOn(fs, 'readFileSync');
    try {
      const { models, skipped } = listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir });
      const huge = [path.join(hugeManifest, 'manifest.json'), path.join(hugeMetrics, 'metrics.json')];
      expect(read.mock.calls.filter(([f]) => huge.includes(String(f)))).toEqual([]);
      expect(skipped).toEqual([{ path: expect.stringMatching(/huge-manifest$/), reason: 'manifest.json is 64 MiB, more than the 1 MiB a manifest may be' }]);
      expect(models.find((m) => m.id === 'lib/huge-metrics')).toMatchObject({ version: 'verbal-20261201-22222222', trainRows: null, macroF1: null });
    } finally {
      read.mockRestore();
    }
  });

  it('does not wait on a manifest or metrics that is no file (a named pipe would block the listing for good)', () => {
    const pipe = addLibraryModel(modelsDir, 'pipe', 'verbal-20261201-33333333');
    fs.rmSync(path.join(pipe, 'metrics.json'));
    execFileSync('mkfifo', [path.join(pipe, 'metrics.json')]);
    const { models } = listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir });
    expect(models.find((m) => m.id === 'lib/pipe')).toMatchObject({ trainRows: null });
  });

  it('lists both folders holding one version, so a switch names one by id', () => {
    addLibraryModel(modelsDir, 'one', 'verbal-20261201-99999999');
    addLibraryModel(modelsDir, 'two', 'verbal-20261201-99999999');
    addLibraryModel(modelsDir, 'copy-of-base', BASE_VERSION);
    const { models } = listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir });
    expect(idsOfVersion(models, 'verbal-20261201-99999999')).toEqual(['lib/one', 'lib/two']);
    expect(idsOfVersion(models, BASE_VERSION)).toEqual([BASE_ID, 'lib/copy-of-base']);
  });

  it('has no library yet when the models dir does not exist', () => {
    const { models, skipped } = listLibrary({ baseDir: BASE_MODEL_DIR, modelsDir: path.join(modelsDir, 'nothing-here') });
    expect(models.map((m) => m.id)).toEqual([BASE_ID]);
    expect(skipped).toEqual([]);
  });

  it('lists the base folder once when --model points into the library', () => {
    const dir = addLibraryModel(modelsDir, 'x', 'verbal-20261201-77777777');
    const { models } = listLibrary({ baseDir: dir, modelsDir });
    expect(models.map((m) => m.id)).toEqual([BASE_ID]);
  });

  it('shows a library inside the project relative to the project', () => {
    expect(shownInLibrary(projectPath('data', 'models', 'verbal', 'x'), projectPath('data', 'models'))).toBe(path.join('data', 'models', 'verbal', 'x'));
  });

  it('maps ids to folders, refusing any that would leave the library', () => {
    const places = { baseDir: BASE_MODEL_DIR, modelsDir };
    expect(dirOfId('base', places)).toBe(BASE_MODEL_DIR);
    expect(dirOfId('lib/x', places)).toBe(lib('x'));
    for (const bad of ['lib/', 'lib/..', 'lib/../x', 'lib/a/b', 'lib/.tmp-1', 'x', '../base', 'lib/a\\b']) expect(dirOfId(bad, places)).toBeUndefined();
  });
});
