import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rowKey, TRAINED_ROWS_FILE, TRAINED_ROWS_MAX_BYTES, trainedRowsJson } from '../training/holdOut';
import { readBoundedResult, readTrainedRows, readTrainedRowsResult, trainedSetOf } from './trainedSet';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('trainedSetOf', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-trainedset-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('none without extra rows', () => {
    expect(trainedSetOf(dir, undefined)).toEqual({ kind: 'none' });
    expect(trainedSetOf(dir, { weight: 1, files: [] })).toEqual({ kind: 'none' });
  });

  it("a job's trained-rows.json, with its hold-out", () => {
    fs.writeFileSync(path.join(dir, TRAINED_ROWS_FILE), trainedRowsJson(['a', 'b']));
    const s = trainedSetOf(dir, { weight: 5, holdOutPercent: 20, files: [{ path: 'server:corrections@x', sha256: 'x', rows: 2 }] });
    expect(s).toEqual({ kind: 'keys', keys: new Set([rowKey('a'), rowKey('b')]), heldOutPercent: 20 });
  });

  it('an --extra file still there and unchanged; unknown when it moved or changed', () => {
    const text = '{"text":" how much? ","label":"price_inquiry"}\n';
    const file = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(file, text);
    expect(trainedSetOf(dir, { weight: 1, files: [{ path: file, sha256: sha(text), rows: 1 }] })).toEqual({ kind: 'keys', keys: new Set([rowKey('how much?')]), heldOutPercent: null });
    expect(trainedSetOf(dir, { weight: 1, files: [{ path: file, sha256: sha('other'), rows: 1 }] })).toEqual({ kind: 'unknown', heldOutPercent: null, reason: { file, problem: 'changed', maxBytes: null } });
    const gone = path.join(dir, 'gone.jsonl');
    expect(trainedSetOf(dir, { weight: 1, files: [{ path: gone, sha256: sha(text), rows: 1 }] })).toEqual({ kind: 'unknown', heldOutPercent: null, reason: { file: gone, problem: 'missing', maxBytes: null } });
    const odd = path.join(dir, 'odd.jsonl');
    fs.writeFileSync(odd, 'not json\n');
    expect(trainedSetOf(dir, { weight: 1, files: [{ path: odd, sha256: sha('not json\n'), rows: 1 }] })).toMatchObject({ kind: 'unknown', reason: { file: odd, problem: 'malformed' } });
  });

  it("a job's model from before trained-rows.json: every turn in scope when the scope's export is its file, else unknown", () => {
    const extra = { weight: 5, files: [{ path: 'server:corrections@x', sha256: sha('the export'), rows: 2 }] };
    expect(trainedSetOf(dir, extra, sha('the export'))).toEqual({ kind: 'all', heldOutPercent: null });
    expect(trainedSetOf(dir, extra, sha('another export')).kind).toBe('unknown');
  });

  it('an odd trained-rows.json is not read (a job model without it is unknown)', () => {
    fs.writeFileSync(path.join(dir, TRAINED_ROWS_FILE), '{"not":"a list"}');
    expect(readTrainedRows(dir)).toBeUndefined();
    // Unknown because of the list, which is named rather than the job's extra path (no file).
    expect(trainedSetOf(dir, { weight: 5, files: [{ path: 'server:corrections@x', sha256: 'x', rows: 2 }] })).toEqual({
      kind: 'unknown', heldOutPercent: null, reason: { file: TRAINED_ROWS_FILE, problem: 'malformed', maxBytes: null },
    });
  });

  it('says why a trained-rows.json is not read: none, too_large (its bound), malformed (damaged, or not its shape)', () => {
    const file = path.join(dir, TRAINED_ROWS_FILE);
    expect(readTrainedRowsResult(dir)).toEqual({ ok: false, reason: null });
    expect(readTrainedRowsResult(undefined)).toEqual({ ok: false, reason: null });
    fs.writeFileSync(file, trainedRowsJson(['a']));
    expect(readTrainedRowsResult(dir)).toEqual({ ok: true, value: new Set([rowKey('a')]) });
    fs.writeFileSync(file, '['.padEnd(TRAINED_ROWS_MAX_BYTES + 1, ' '));
    expect(readTrainedRowsResult(dir)).toEqual({ ok: false, reason: { file: TRAINED_ROWS_FILE, problem: 'too_large', maxBytes: TRAINED_ROWS_MAX_BYTES } });
    fs.writeFileSync(file, '["0123456789abcdef", ');
    expect(readTrainedRowsResult(dir)).toEqual({ ok: false, reason: { file: TRAINED_ROWS_FILE, problem: 'malformed', maxBytes: null } });
    fs.writeFileSync(file, '{"not":"a list"}');
    expect(readTrainedRowsResult(dir)).toEqual({ ok: false, reason: { file: TRAINED_ROWS_FILE, problem: 'malformed', maxBytes: null } });
  });
});

describe('readBoundedResult', () => {
  it('missing, unreadable (a folder, a device), too_large, or the bytes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bounded-'));
    try {
      fs.writeFileSync(path.join(dir, 'f'), 'abc');
      expect(readBoundedResult(path.join(dir, 'f'), 3)).toEqual({ ok: true, bytes: Buffer.from('abc') });
      expect(readBoundedResult(path.join(dir, 'f'), 2)).toEqual({ ok: false, problem: 'too_large' });
      expect(readBoundedResult(path.join(dir, 'nope'), 2)).toEqual({ ok: false, problem: 'missing' });
      expect(readBoundedResult(path.join(dir, 'f', 'under-a-file'), 2)).toEqual({ ok: false, problem: 'missing' });
      expect(readBoundedResult(dir, 2)).toEqual({ ok: false, problem: 'unreadable' });
      expect(readBoundedResult('/dev/zero', 2)).toEqual({ ok: false, problem: 'unreadable' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
