import fs from 'node:fs';
import path from 'node:path';
import { addLibraryModel, addPostureLibraryModel, BASE_POSTURE_DIR, tempModelsDir } from './library.testkit';
import { BASE_ID, idsOfVersion } from './libraryFolders';
import { dirOfPostureId, listPostureLibrary, validationOf } from './postureLibrary';

const BASE_VERSION = (JSON.parse(fs.readFileSync(path.join(BASE_POSTURE_DIR, 'manifest.json'), 'utf8')) as { version: string }).version;
const BASE_METRICS = JSON.parse(fs.readFileSync(path.join(BASE_POSTURE_DIR, 'metrics.json'), 'utf8')) as { syntheticValidation: Record<string, { f1: number; threshold: number }> };

describe('the posture model library', () => {
  let modelsDir: string;
  beforeEach(() => {
    modelsDir = tempModelsDir();
  });
  afterEach(() => fs.rmSync(modelsDir, { recursive: true, force: true }));
  const places = () => ({ baseDir: BASE_POSTURE_DIR, modelsDir });
  const lib = (name: string) => path.join(modelsDir, 'posture', name);

  it('lists the base model first, then every posture folder by name, with its validation figures and extra rows', () => {
    addPostureLibraryModel(modelsDir, 'b-labels', 'posture-20261201-bbbbbbbb', { extra: { weight: 2, rows: 30 } });
    addPostureLibraryModel(modelsDir, 'a-plain', 'posture-20261201-aaaaaaaa');
    const { models, skipped } = listPostureLibrary(places());
    expect(skipped).toEqual([]);
    expect(models.map((m) => [m.id, m.version])).toEqual([
      [BASE_ID, BASE_VERSION],
      ['lib/a-plain', 'posture-20261201-aaaaaaaa'],
      ['lib/b-labels', 'posture-20261201-bbbbbbbb'],
    ]);
    const base = models[0]!;
    expect(base.path).toBe(path.join('models', 'posture'));
    expect(models[1]!.path).toBe(path.join('posture', 'a-plain'));
    // Per label, F1 and threshold as metrics.json has them (no other field of it).
    expect(Object.keys(base.validation!).sort()).toEqual(Object.keys(BASE_METRICS.syntheticValidation).sort());
    expect(base.validation!.arms_crossed).toEqual({ f1: BASE_METRICS.syntheticValidation.arms_crossed!.f1, threshold: BASE_METRICS.syntheticValidation.arms_crossed!.threshold });
    expect(base.extra).toBeNull();
    expect(models[2]!.extra).toEqual({ weight: 2, rows: 30, files: ['server:posture-labels@2026-12-01T07:00:00Z'] });
    expect(base.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('lists a model without metrics.json with validation null, and one with odd figures without them', () => {
    fs.rmSync(path.join(addPostureLibraryModel(modelsDir, 'bare', 'posture-20261201-cccccccc'), 'metrics.json'));
    const odd = addPostureLibraryModel(modelsDir, 'odd', 'posture-20261201-dddddddd');
    fs.writeFileSync(path.join(odd, 'metrics.json'), JSON.stringify({ syntheticValidation: { arms_crossed: { f1: 'high', threshold: 0.5 }, open_palms: { f1: 0.8, threshold: 0.4 } } }));
    const { models } = listPostureLibrary(places());
    expect(models.find((m) => m.id === 'lib/bare')!.validation).toBeNull();
    expect(models.find((m) => m.id === 'lib/odd')!.validation).toEqual({ open_palms: { f1: 0.8, threshold: 0.4 } });
    expect(validationOf({ syntheticValidation: [] })).toBeNull();
  });

  it('skips, with the reason, what is no posture model this code can run; never fails the list', () => {
    addPostureLibraryModel(modelsDir, '.tmp-job1', 'posture-20261201-eeeeeeee');
    fs.mkdirSync(lib('empty'), { recursive: true });
    fs.writeFileSync(lib('note.txt'), 'x');
    fs.rmSync(path.join(addPostureLibraryModel(modelsDir, 'no-weights', 'posture-20261201-ffffffff'), 'weights.bin'));
    const features = addPostureLibraryModel(modelsDir, 'old-features', 'posture-20261201-11111111');
    const m = JSON.parse(fs.readFileSync(path.join(features, 'manifest.json'), 'utf8')) as { features: string[] };
    fs.writeFileSync(path.join(features, 'manifest.json'), JSON.stringify({ ...m, features: m.features.slice(1) }));
    // A verbal model put in the posture library by mistake.
    const verbal = addLibraryModel(modelsDir, 'x', 'verbal-20261201-aaaaaaaa');
    fs.renameSync(verbal, lib('verbal-one'));
    const { models, skipped } = listPostureLibrary(places());
    expect(models.map((x) => x.id)).toEqual([BASE_ID]);
    const reason = (name: string) => skipped.find((s) => s.path.endsWith(path.join('posture', name)))?.reason;
    expect(reason('.tmp-job1')).toMatch(/being written/);
    expect(reason('empty')).toMatch(/manifest\.json is missing/);
    expect(reason('note.txt')).toBe('not a folder');
    expect(reason('no-weights')).toBe('weights.bin is missing');
    expect(reason('old-features')).toMatch(/feature list differs/);
    expect(reason('verbal-one')).toMatch(/manifest\.json field format/);
    expect(skipped).toHaveLength(6);
  });

  it('reads the library afresh and names a version held by two folders', () => {
    expect(listPostureLibrary(places()).models).toHaveLength(1);
    addPostureLibraryModel(modelsDir, 'one', 'posture-20261201-22222222');
    addPostureLibraryModel(modelsDir, 'two', 'posture-20261201-22222222');
    const { models } = listPostureLibrary(places());
    expect(idsOfVersion(models, 'posture-20261201-22222222')).toEqual(['lib/one', 'lib/two']);
  });

  it('takes ids of one folder directly in the library only', () => {
    expect(dirOfPostureId('base', places())).toBe(BASE_POSTURE_DIR);
    expect(dirOfPostureId('lib/x', places())).toBe(lib('x'));
    for (const bad of ['lib/../x', 'lib/a/b', 'lib/.tmp-1', 'lib/', 'x']) expect(dirOfPostureId(bad, places())).toBeUndefined();
  });
});
