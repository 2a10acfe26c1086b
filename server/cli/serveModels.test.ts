// `serve --models-dir` and which verbal settings the flags give (they win over the stored choice).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './args';
import { serveOptions } from './serve';

describe('serve --models-dir and the verbal flags', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-serve-models-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes a folder, existing or not yet, resolved; the default is left to the server (data/models)', () => {
    expect(serveOptions(['--models-dir', dir], {}).modelsDir).toBe(path.resolve(dir));
    expect(serveOptions(['--models-dir', path.join(dir, 'later')], {}).modelsDir).toBe(path.join(path.resolve(dir), 'later'));
    expect(serveOptions([], {}).modelsDir).toBeUndefined();
  });

  it('refuses a file or an empty value, naming the flag', () => {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x');
    expect(() => serveOptions(['--models-dir', file], {})).toThrow(UsageError);
    expect(() => serveOptions(['--models-dir', file], {})).toThrow(/--models-dir .*is a file, not a folder/);
    expect(() => serveOptions(['--models-dir', ''], {})).toThrow(/--models-dir needs a folder/);
  });

  it('says which verbal settings a flag gave', () => {
    expect(serveOptions([], {}).verbalFlags).toEqual({ model: false, thresholds: false });
    expect(serveOptions(['--model', 'models/verbal'], {}).verbalFlags).toEqual({ model: true, thresholds: false });
    expect(serveOptions(['--thresholds', '0.5'], {}).verbalFlags).toEqual({ model: false, thresholds: true });
  });

  it('says whether --posture-model was given (it wins over the stored posture model)', () => {
    expect(serveOptions([], {}).postureFlag).toBe(false);
    expect(serveOptions(['--posture-model', 'models/posture'], {}).postureFlag).toBe(true);
    expect(serveOptions(['--model', 'models/verbal'], {}).postureFlag).toBe(false);
  });
});
