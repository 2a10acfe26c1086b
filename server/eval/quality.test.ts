import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLabeledJsonl } from '../signals/verbal/corpus';
import type { CueReviewRow } from './cueReviewRows';
import { parseLabelRows } from '../signals/posture/labelRows';
import { computeFigures, newestCorrections, postureExtraOf, trainedOnFiles, trainedOnListed, trainedOnPostureRows, trainedOnRows, trainingSummary } from './quality';
import { rowKey } from '../training/holdOut';

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
      { path: '/nowhere/labels.jsonl', rows: 2, weight: 1, match: 'same_rows', overlap: 2 },
    ]);
  });
  it('overlap / no_overlap from the file still at its path; unknown when it is gone or changed', () => {
    const some = file('some.jsonl', '{"text":"sounds good","label":"neutral"}\n{"text":"other","label":"neutral"}\n');
    const none = file('none.jsonl', '{"text":"other","label":"neutral"}\n');
    const changed = { ...file('changed.jsonl', '{"text":"sounds good","label":"neutral"}\n'), sha256: sha('before') };
    const gone = { path: path.join(dir, 'gone.jsonl'), sha256: sha('x'), rows: 1 };
    expect(trainedOnRows({ weight: 1, files: [some, none, changed, gone] }, text, rows).map((t) => [t.match, t.overlap, t.reason])).toEqual([
      ['overlap', 1, undefined], ['no_overlap', 0, undefined],
      ['unknown', null, { file: changed.path, problem: 'changed', maxBytes: null }],
      ['unknown', null, { file: gone.path, problem: 'missing', maxBytes: null }],
    ]);
  });
  it('unknown says why: a file not in its format is malformed; a job list that could not be read is named instead of the extra file', () => {
    const odd = file('odd.jsonl', 'not json\n');
    expect(trainedOnRows({ weight: 1, files: [odd] }, text, rows)).toEqual([
      { path: odd.path, rows: 1, weight: 1, match: 'unknown', overlap: null, reason: { file: odd.path, problem: 'malformed', maxBytes: null } },
    ]);
    const listReason = { file: 'trained-rows.json', problem: 'too_large', maxBytes: 1024 } as const;
    const job = { path: 'server:corrections@2026-12-01T07:00:00Z', sha256: sha('then'), rows: 2 };
    expect(trainedOnRows({ weight: 5, files: [job] }, text, rows, listReason)).toEqual([{ path: job.path, rows: 2, weight: 5, match: 'unknown', overlap: null, reason: listReason }]);
  });
});

/** A posture labels row of one frame: 33 landmarks shifted by `d`, as the export writes them. */
const frame = (d: number, labels: string[]) => JSON.stringify({
  landmarks: Array.from({ length: 33 }, (_, i) => ({ x: 0.3 + i / 100 + d, y: 0.2 + i / 80, z: 0, score: 0.9 })), aspect: 1.5, labels, session: 's1',
});

describe('trainedOnPostureRows', () => {
  const text = `${frame(0, ['arms_crossed'])}\n${frame(0.01, ['neutral'])}\n`;
  const rows = parseLabelRows(text, 'x');
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-quality-posture-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return { path: p, sha256: sha(content), rows: content.split('\n').filter(Boolean).length };
  };

  it('none without an extra record; same_rows for the export\'s bytes, with the weight each row counted', () => {
    expect(trainedOnPostureRows(undefined, text, rows)).toEqual([]);
    expect(trainedOnPostureRows({ weight: 3, files: [{ path: '/nowhere/p.jsonl', sha256: sha(text), rows: 2 }] }, text, rows)).toEqual([
      { path: '/nowhere/p.jsonl', rows: 2, weight: 3, match: 'same_rows', overlap: 2 },
    ]);
  });

  it('overlap by the frame\'s landmarks (whatever its labels or other fields say); no_overlap; unknown when moved, changed or not posture rows', () => {
    // The second frame, relabelled and without its session, in a file with another frame.
    const some = file('some.jsonl', `${frame(0.02, ['leaning_back'])}\n${JSON.stringify({ ...JSON.parse(frame(0.01, ['open_palms'])), session: undefined })}\n`);
    const none = file('none.jsonl', `${frame(0.05, ['neutral'])}\n`);
    const changed = { ...file('changed.jsonl', `${frame(0, ['arms_crossed'])}\n`), sha256: sha('before') };
    const verbal = file('verbal.jsonl', '{"text":"hi","label":"neutral"}\n');
    const gone = { path: path.join(dir, 'gone.jsonl'), sha256: sha('x'), rows: 1 };
    expect(trainedOnPostureRows({ weight: 1, files: [some, none, changed, verbal, gone] }, text, rows).map((t) => [t.match, t.overlap])).toEqual([
      ['overlap', 1], ['no_overlap', 0], ['unknown', null], ['unknown', null], ['unknown', null],
    ]);
  });

  it('reads the extra record from a posture manifest alone; none for no folder, no manifest, or a manifest without it', () => {
    const extra = { weight: 2, files: [{ path: 'labels.jsonl', sha256: sha('x'), rows: 4 }] };
    const with_ = fs.mkdtempSync(path.join(dir, 'm-'));
    fs.writeFileSync(path.join(with_, 'manifest.json'), JSON.stringify({ version: 'posture-x', extra }));
    const without = fs.mkdtempSync(path.join(dir, 'n-'));
    fs.writeFileSync(path.join(without, 'manifest.json'), JSON.stringify({ version: 'posture-y' }));
    expect(postureExtraOf(with_)).toEqual(extra);
    expect(postureExtraOf(without)).toBeUndefined();
    expect(postureExtraOf(path.join(dir, 'nope'))).toBeUndefined();
    expect(postureExtraOf(undefined)).toBeUndefined();
  });
});

describe('trainedOnFiles reads an --extra file bounded', () => {
  it('a file over the bound, or no regular file (a FIFO, /dev/zero), is unknown, not read whole on the event loop', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-quality-bounded-'));
    try {
      const text = '{"text":"how much?","label":"price_inquiry"}\n'.repeat(4);
      const file = path.join(dir, 'labels.jsonl');
      fs.writeFileSync(file, text);
      const sha = createHash('sha256').update(text).digest('hex');
      const extra = { weight: 1, files: [{ path: file, sha256: sha, rows: 4 }] };
      const keysOf = () => new Set(['k']);
      expect(trainedOnFiles(extra, '', ['k'], keysOf)).toMatchObject([{ match: 'overlap', overlap: 1 }]);
      expect(trainedOnFiles(extra, '', ['k'], keysOf, 10)).toMatchObject([{ match: 'unknown', overlap: null, reason: { file, problem: 'too_large', maxBytes: 10 } }]);
      expect(trainedOnFiles({ weight: 1, files: [{ path: '/dev/zero', sha256: sha, rows: 4 }] }, '', ['k'], keysOf)).toMatchObject([
        { match: 'unknown', overlap: null, reason: { file: '/dev/zero', problem: 'unreadable', maxBytes: null } },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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

describe('trainedOnListed', () => {
  const text = '{"text":"how much is it?","label":"price_inquiry"}\n{"text":"sounds good","label":"neutral"}\n';
  const rows = parseLabeledJsonl(text, 'x');
  const job = { weight: 5, holdOutPercent: 20, files: [{ path: 'server:corrections@2026-12-01T00:00:00.000Z', sha256: 'of the rows trained on', rows: 1 }] };
  it("counts the rows a job's trained-rows.json lists (its hold-out not among them)", () => {
    expect(trainedOnListed(job, text, rows, new Set([rowKey('how much is it?')]))).toEqual([{ path: job.files[0]!.path, rows: 1, weight: 5, match: 'overlap', overlap: 1 }]);
    expect(trainedOnListed(job, text, rows, new Set())).toMatchObject([{ match: 'no_overlap', overlap: 0 }]);
    expect(trainedOnListed(undefined, text, rows, new Set())).toEqual([]);
  });
});
