// `analyze FILE --compare DIR` in process, on the demo meeting, with the committed verbal model
// and a copy of it with the resistance bias raised (another model in milliseconds, not a
// training run): the differences it reports are those of two plain `analyze` runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './main';
import { projectPath } from '../paths';
import { writeNudgedVerbalModel } from '../signals/verbal/nudged.testkit';
import type { TranscriptCompareReport, TranscriptsCompareReport } from '../eval/transcriptCompare';
import { MAX_COMPARE_FILES } from './analyze';
import type { SessionSnapshot } from '../../protocol/protocol';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

const meeting = projectPath('fixtures', 'demo', 'meeting.json');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await main(argv, c.io);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

describe('analyze --compare', () => {
  let dir: string;
  let nudged: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-analyze-compare-'));
    nudged = writeNudgedVerbalModel(path.join(dir, 'verbal-b'), { resistance: 3 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports the customer turns whose signal B changes and the cues only one model emitted, as two plain runs have them', async () => {
    const r = await run(['analyze', meeting, '--compare', nudged, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as TranscriptCompareReport;
    const snapA = JSON.parse((await run(['analyze', meeting, '--json'])).out) as SessionSnapshot & { modelVersion: string };
    const snapB = JSON.parse((await run(['analyze', meeting, '--model', nudged, '--json'])).out) as SessionSnapshot & { modelVersion: string };
    expect(report).toMatchObject({
      schema: 1, compare: 'transcript', transcript: meeting, cueMatch: 'type+mediaMs', signalThresholds: {}, cueMinSignalScore: 0.5,
      a: { model: 'models/verbal', modelVersion: snapA.modelVersion },
      b: { model: nudged, modelVersion: snapB.modelVersion },
    });
    expect(report.a.modelVersion).not.toBe(report.b.modelVersion);

    // Each changed turn is one whose stored label differs between the two plain runs, and all of them are listed.
    const label = (s: SessionSnapshot, seq: number) => {
      const u = s.utterances.find((x) => x.seq === seq)!;
      const g = s.signals.find((x) => x.kind === 'verbal' && x.utteranceId === u.id);
      return g ? g.label : null;
    };
    const customer = snapA.utterances.filter((u) => u.role === 'customer');
    const differing = customer.filter((u) => label(snapA, u.seq) !== label(snapB, u.seq)).map((u) => u.seq);
    expect(differing.length).toBeGreaterThan(0);
    const byLabel = report.turns.filter((t) => t.change === 'label');
    expect(byLabel.map((t) => t.seq)).toEqual(differing);
    for (const t of byLabel) {
      expect(t.a?.label ?? null).toBe(label(snapA, t.seq));
      expect(t.b?.label ?? null).toBe(label(snapB, t.seq));
    }
    expect(report.summary).toMatchObject({ utterances: 18, customerTurns: customer.length, changedTurns: differing.length, changedShare: differing.length / customer.length });
    expect(report.summary.labelChanges.reduce((n, c) => n + c.turns, 0)).toBe(differing.length);
    // A raised resistance bias turns turns into resistance, and B raises a resistance cue A did not.
    expect(report.summary.labelChanges.every((c) => c.b === 'resistance')).toBe(true);
    expect(report.cuesOnlyB.some((c) => c.type === 'resistance' && c.evidence.length > 0)).toBe(true);
    const { a, b, both } = report.summary.cues;
    expect([a, b]).toEqual([snapA.cues.length, snapB.cues.length]);
    expect([a - both, b - both]).toEqual([report.cuesOnlyA.length, report.cuesOnlyB.length]);

    const text = await run(['analyze', meeting, '--compare', nudged]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`model B ${nudged} (${report.b.modelVersion})`);
    expect(text.out).toContain(`${customer.length} customer turns of 18; B changed the signal of ${differing.length} (`);
    expect(text.out).toContain('signal changes A → B (turns):');
    expect(text.out).toContain(`cues: A ${a}, B ${b}, in both ${both} (matched by type and media time)`);
    expect(text.out).toContain('cues only B emitted:');
    for (const t of byLabel) expect(text.out).toContain(`#${t.seq} ${t.speaker}: ${t.text}`);
  }, 60_000);

  it('the committed model against itself changes nothing', async () => {
    const r = await run(['analyze', meeting, '--compare', projectPath('models', 'verbal'), '--json', '--thresholds', 'resistance=0.6']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as TranscriptCompareReport;
    expect(report.turns).toEqual([]);
    expect(report.cuesOnlyA).toEqual([]);
    expect(report.cuesOnlyB).toEqual([]);
    expect(report.signalThresholds).toEqual({ resistance: 0.6 });
    expect(report.summary).toMatchObject({ changedTurns: 0, changedShare: 0, crossedCueScore: 0, labelChanges: [] });
    expect(report.summary.cues.both).toBe(report.summary.cues.a);
    const text = await run(['analyze', meeting, '--compare', 'models/verbal']);
    expect(text.out).toContain('— the same version as A');
    expect(text.out).toContain('B changes no signal and no cue on this transcript.');
  }, 60_000);

  it('a bad --compare folder gets the errors --model gets; photos and an empty value are usage errors', async () => {
    const missing = path.join(dir, 'nope');
    const posture = projectPath('models', 'posture');
    for (const folder of [missing, posture, meeting]) {
      const viaModel = await run(['analyze', meeting, '--model', folder]);
      const viaCompare = await run(['analyze', meeting, '--compare', folder]);
      expect(viaCompare.code).toBe(1);
      expect(viaCompare.err).toBe(viaModel.err);
      expect(viaCompare.err).toContain(folder);
    }
    const photo = await run(['analyze', path.join(dir, 'x.jpg'), '--compare', nudged]);
    expect(photo.code).toBe(2);
    expect(photo.err).toContain('--compare is for transcripts, not photos (compare posture models on labelled photos with eval posture --compare DIR)');
    const empty = await run(['analyze', meeting, '--compare=']);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('--compare needs a verbal model folder, got an empty value');
  }, 60_000);

  describe('several transcripts', () => {
    // The demo meeting, a JSON meeting, and an SRT without roles (its turns count, none is a customer's).
    const srt = projectPath('fixtures', 'transcripts', 'meeting.srt');
    const exported = projectPath('fixtures', 'transcripts', 'meeting.json');
    const files = [meeting, srt, exported];
    const SUMMED = ['utterances', 'customerTurns', 'changedTurns', 'crossedCueScore'] as const;

    it('gives each file its report, as one file alone has it, then a pool whose counts are the sums of the files', async () => {
      const r = await run(['analyze', ...files, '--compare', nudged, '--json']);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      const all = JSON.parse(r.out) as TranscriptsCompareReport;
      expect(Object.keys(all)).toEqual(['schema', 'compare', 'files', 'pooled', 'unreadable']);
      expect(all).toMatchObject({ schema: 1, compare: 'transcripts', unreadable: [] });
      expect(all.files.map((f) => f.transcript)).toEqual(files);
      // Each file's report is the one `analyze FILE --compare DIR --json` gives for it alone.
      for (const [i, f] of files.entries()) {
        const alone = await run(['analyze', f, '--compare', nudged, '--json']);
        expect(all.files[i]).toEqual(JSON.parse(alone.out));
      }
      const p = all.pooled;
      expect(p.files).toBe(3);
      for (const k of SUMMED) expect(p[k]).toBe(all.files.reduce((n, f) => n + f.summary[k], 0));
      for (const k of ['a', 'b', 'both'] as const) expect(p.cues[k]).toBe(all.files.reduce((n, f) => n + f.summary.cues[k], 0));
      expect(p.changedShare).toBe(p.changedTurns / p.customerTurns);
      expect(p.labelChanges.reduce((n, c) => n + c.turns, 0)).toBe(p.changedTurns);
      for (const c of p.labelChanges) {
        const inFiles = all.files.flatMap((f) => f.summary.labelChanges).filter((x) => x.a === c.a && x.b === c.b);
        expect(c.turns).toBe(inFiles.reduce((n, x) => n + x.turns, 0));
      }
      expect(p.customerTurns).toBeGreaterThan(all.files[0]!.summary.customerTurns);
      expect(p.changedTurns).toBeGreaterThan(0);

      const text = await run(['analyze', ...files, '--compare', nudged]);
      expect(text.code).toBe(0);
      for (const [i, f] of files.entries()) {
        const alone = (await run(['analyze', f, '--compare', nudged])).out;
        expect(text.out).toContain(`=== ${f} (${i + 1} of 3) ===\n${alone}\n`);
      }
      const pooled = text.out.slice(text.out.indexOf('=== pooled ===\n'));
      expect(pooled).toContain('pooled over 3 transcripts\n');
      expect(pooled).toContain(`${p.customerTurns} customer turns of ${p.utterances}; B changed the signal of ${p.changedTurns} (${((100 * p.changedTurns) / p.customerTurns).toFixed(1)} %)`);
      expect(pooled).toContain(`cues: A ${p.cues.a}, B ${p.cues.b}, in both ${p.cues.both} (matched by type and media time)`);
    }, 120_000);

    it('one file still gives exactly the output it gave before: no heading, no pool', async () => {
      const text = await run(['analyze', meeting, '--compare', nudged]);
      expect(text.out.startsWith(`transcript ${meeting}\n`)).toBe(true);
      expect(text.out).not.toContain('===');
      expect(text.out).not.toContain('pooled');
      const json = JSON.parse((await run(['analyze', meeting, '--compare', nudged, '--json'])).out) as Record<string, unknown>;
      expect(json.compare).toBe('transcript');
      expect(json).not.toHaveProperty('pooled');
    }, 60_000);

    it('names a file that cannot be parsed, leaves it out and goes on (exit 1); a missing one stops everything before any run', async () => {
      const bad = path.join(dir, 'bad.srt');
      fs.writeFileSync(bad, 'not a transcript at all\u0000\u0000');
      const r = await run(['analyze', meeting, bad, srt, '--compare', nudged, '--json']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: could not be read \\(.+\\)$`));
      const all = JSON.parse(r.out) as TranscriptsCompareReport;
      expect(all.files.map((f) => f.transcript)).toEqual([meeting, srt]);
      expect(all.pooled.files).toBe(2);
      expect(all.unreadable).toEqual([{ file: bad, error: expect.any(String) }]);
      const text = await run(['analyze', meeting, bad, '--compare', nudged]);
      expect(text.code).toBe(1);
      expect(text.out).toContain('pooled over 1 transcript (1 more could not be read: ' + bad + ')');

      const missing = await run(['analyze', meeting, path.join(dir, 'gone.vtt'), dir, '--compare', nudged]);
      expect(missing.code).toBe(2);
      expect(missing.out).toBe('');
      expect(missing.err).toContain('2 of the transcripts are not files:');
      expect(missing.err).toContain(`no such file: ${path.join(dir, 'gone.vtt')}`);
      expect(missing.err).toContain(`${dir} is a folder; expected a file`);
    }, 60_000);

    it('refuses more than the limit, photos among transcripts, several files without --compare, and - among several', async () => {
      const many = await run(['analyze', ...Array.from({ length: MAX_COMPARE_FILES + 1 }, () => meeting), '--compare', nudged]);
      expect(many.code).toBe(2);
      expect(many.err).toContain('analyze --compare takes at most 1,000 transcript files, got 1,001; compare them in batches');
      const mixed = await run(['analyze', meeting, path.join(dir, 'x.jpg'), '--compare', nudged]);
      expect(mixed.code).toBe(2);
      expect(mixed.err).toContain(`analyze takes transcripts or photos, not both; not photos (by their names): ${meeting}`);
      const plain = await run(['analyze', meeting, srt]);
      expect(plain.code).toBe(2);
      expect(plain.err).toContain('analyze takes one transcript file');
      const stdin = await run(['analyze', meeting, '-', '--compare', nudged]);
      expect(stdin.code).toBe(2);
      expect(stdin.err).toContain('- (standard input) can only be the one transcript');
    }, 60_000);
  });
});
