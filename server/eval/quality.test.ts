import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLabeledJsonl } from '../signals/verbal/corpus';
import type { CueReviewRow } from './cueReviewRows';
import { computeFigures, newestCorrections, trainedOnRows, trainingSummary } from './quality';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('newestCorrections', () => {
  const rows = [5, 1, 9, 3, 9].map((correctedAt, i) => ({ correction: { correctedAt }, i }));
  it('keeps every row under the cap, in order', () => {
    expect(newestCorrections(rows, 5).map((r) => r.i)).toEqual([0, 1, 2, 3, 4]);
  });
  it('keeps the newest, in the export\'s order; among equal times the later rows', () => {
    expect(newestCorrections(rows, 3).map((r) => r.i)).toEqual([0, 2, 4]);
    expect(newestCorrections(rows, 1).map((r) => r.i)).toEqual([4]);
  });
});

describe('trainedOnRows', () => {
  const text = '{"text":"how much is it?","label":"price_inquiry"}\n{"text":"sounds good","label":"neutral"}\n';
  const rows = parseLabeledJsonl(text, 'x');
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-quality-unit-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return { path: p, sha256: sha(content), rows: content.split('\n').filter(Boolean).length };
  };

  it('none without an extra record', () => {
    expect(trainedOnRows(undefined, text, rows)).toEqual([]);
  });
  it('same_rows when an extra file has the export\'s sha256 (even when the file is gone)', () => {
    expect(trainedOnRows({ weight: 1, files: [{ path: '/nowhere/labels.jsonl', sha256: sha(text), rows: 2 }] }, text, rows)).toEqual([
      { path: '/nowhere/labels.jsonl', rows: 2, match: 'same_rows', overlap: 2 },
    ]);
  });
  it('overlap / no_overlap from the file still at its path; unknown when it is gone or changed', () => {
    const some = file('some.jsonl', '{"text":"sounds good","label":"neutral"}\n{"text":"other","label":"neutral"}\n');
    const none = file('none.jsonl', '{"text":"other","label":"neutral"}\n');
    const changed = { ...file('changed.jsonl', '{"text":"sounds good","label":"neutral"}\n'), sha256: sha('before') };
    const gone = { path: path.join(dir, 'gone.jsonl'), sha256: sha('x'), rows: 1 };
    expect(trainedOnRows({ weight: 1, files: [some, none, changed, gone] }, text, rows).map((t) => [t.match, t.overlap])).toEqual([
      ['overlap', 1], ['no_overlap', 0], ['unknown', null], ['unknown', null],
    ]);
  });
});

describe('trainingSummary', () => {
  it('null for a folder without metrics.json', () => {
    expect(trainingSummary(os.tmpdir(), undefined)).toEqual({ verbal: null, posture: null });
  });
  it('reads a verbal and a posture metrics.json, leaving out labels without their four figures', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-quality-metrics-'));
    try {
      fs.mkdirSync(path.join(dir, 'v'));
      fs.mkdirSync(path.join(dir, 'p'));
      fs.writeFileSync(path.join(dir, 'v', 'metrics.json'), JSON.stringify({
        version: 'verbal-x', split: 'validation', macroF1: 0.9, accuracy: 0.8, validationRows: 10,
        perLabel: { neutral: { precision: 1, recall: 0.5, f1: 2 / 3, support: 4 }, resistance: { f1: 1 } },
      }));
      fs.writeFileSync(path.join(dir, 'p', 'metrics.json'), JSON.stringify({ version: 'posture-x', data: 'synthetic', syntheticValidation: { arms_crossed: { precision: 1, recall: 1, f1: 1, support: 3, threshold: 0.4 } } }));
      expect(trainingSummary(path.join(dir, 'v'), path.join(dir, 'p'))).toEqual({
        verbal: { version: 'verbal-x', split: 'validation', validationRows: 10, macroF1: 0.9, accuracy: 0.8, perLabel: [{ label: 'neutral', precision: 1, recall: 0.5, f1: 2 / 3, support: 4 }] },
        posture: { version: 'posture-x', data: 'synthetic', perLabel: [{ label: 'arms_crossed', precision: 1, recall: 1, f1: 1, support: 3 }] },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('computeFigures in its worker thread', () => {
  const empty = { verbal: null, cues: [], posture: null };
  it('answers the figures of an empty job as figuresOf does', async () => {
    await expect(computeFigures(empty)).resolves.toEqual(await computeFigures(empty, true));
  });
  it('a worker that fails rejects naming the measurement and the cause', async () => {
    await expect(computeFigures({ ...empty, cues: [null as unknown as CueReviewRow] })).rejects.toThrow(/^measuring model quality failed: /);
  });
  it('aborted before it starts: rejects with the reason, no worker started; aborted while it runs: the worker is terminated, then it rejects', async () => {
    const reason = new Error('stopping');
    await expect(computeFigures(empty, false, AbortSignal.abort(reason))).rejects.toBe(reason);
    const ac = new AbortController();
    const running = computeFigures(empty, false, ac.signal);
    ac.abort(reason);
    await expect(running).rejects.toBe(reason);
  });
});
