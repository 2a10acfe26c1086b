import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { folderState, writeFolderAtomically } from './modelFolder';

describe('writeFolderAtomically', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'model-folder-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('creates the folder and its parents, replaces the model files, keeps the others, drops the listed ones', () => {
    const dir = path.join(tmp, 'a', 'model');
    writeFolderAtomically(dir, new Map([['manifest.json', 'v1'], ['weights.bin.gz', 'w1']]));
    fs.writeFileSync(path.join(dir, 'README.md'), 'readme');
    fs.writeFileSync(path.join(dir, 'weights.bin'), 'legacy');
    writeFolderAtomically(dir, new Map([['manifest.json', 'v2'], ['weights.bin.gz', 'w2']]), ['weights.bin']);
    expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'manifest.json', 'weights.bin.gz']);
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe('v2');
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('readme');
    expect(fs.readdirSync(path.join(tmp, 'a'))).toEqual(['model']); // no temporary folder left
  });

  it('leaves the old model whole when the write fails part-way', () => {
    const dir = path.join(tmp, 'model');
    writeFolderAtomically(dir, new Map([['manifest.json', 'v1'], ['weights.bin', 'w1']]));
    // The second file cannot be written (its folder does not exist): the first must not land either.
    expect(() => writeFolderAtomically(dir, new Map([['weights.bin', 'w2'], ['no/such/manifest.json', 'v2']]))).toThrow(/ENOENT/);
    expect(fs.readFileSync(path.join(dir, 'weights.bin'), 'utf8')).toBe('w1');
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe('v1');
    expect(fs.readdirSync(tmp)).toEqual(['model']);
  });
});

describe('folderState', () => {
  it('tells a missing path, one under a file, a file, an empty folder, a model and other files apart', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'model-folder-'));
    try {
      const file = path.join(tmp, 'f');
      fs.writeFileSync(file, '');
      expect(folderState(path.join(tmp, 'none', 'x'))).toEqual({ state: 'missing' });
      expect(folderState(path.join(file, 'x', 'y'))).toEqual({ state: 'missing', fileAncestor: file });
      expect(folderState(file)).toEqual({ state: 'file' });
      fs.mkdirSync(path.join(tmp, 'e'));
      expect(folderState(path.join(tmp, 'e'))).toEqual({ state: 'empty' });
      fs.writeFileSync(path.join(tmp, 'e', 'manifest.json'), JSON.stringify({ format: 'buying-signals/posture-mlp@1' }));
      expect(folderState(path.join(tmp, 'e'))).toEqual({ state: 'model', kind: 'posture', entries: ['manifest.json'] });
      fs.writeFileSync(path.join(tmp, 'e', 'manifest.json'), '{ not json');
      expect(folderState(path.join(tmp, 'e'))).toEqual({ state: 'other', entries: ['manifest.json'] });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
