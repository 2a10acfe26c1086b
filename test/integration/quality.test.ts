// GET /api/quality on the real server (port 0, a real SQLite file, the real models): labels,
// cue verdicts and posture labels stored through the API, then the answer checked against what
// `eval verbal`, `eval verbal --sweep`, `eval cues` and `eval posture` print for the very rows
// the downloads give (they must agree); an empty store; and refused query input.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VERBAL_LABELS, type SessionSnapshot } from '../../protocol/protocol';
import { QUALITY_ROWS_DEFAULT, QualitySchema, type Quality } from '../../protocol/quality';
import { QualityMeasurements } from '../../server/http/routes/quality';
import { main } from '../../server/cli/main';
import type { CueEvalReport } from '../../server/eval/cueReviewEval';
import type { VerbalSweepReport } from '../../server/eval/thresholdSweep';
import type { VerbalEvalReport } from '../../server/eval/verbalEval';
import { DEMO_SESSION_ID, loadDemoMeeting } from '../../server/demo/demo';
import type { PostureEvalReport } from '../../server/signals/posture/evalPosture';
import { projectPath } from '../../server/paths';
import { api, download, expectRefusals, startTestServer, useFileStoreServer, type RefusalCase } from './harness';

const TURNS = [
  { speaker: 'Ada', text: 'So this is the plan we would propose for your team.', startMs: 1000 },
  { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5000 },
  { speaker: 'Li', text: 'Could you give us a discount if we sign for two years?', startMs: 9000 },
  { speaker: 'Li', text: '这个方案听起来不错，我们就定了吧。', startMs: 13000 },
  // Chinese and English in one turn: the mixed subset.
  { speaker: 'Li', text: '这个 price 太贵了，我们再考虑一下。', startMs: 17000 },
  { speaker: 'Li', text: 'We had a good lunch before the meeting.', startMs: 21000 },
  { speaker: 'Li', text: "Honestly, that is far too expensive for us; I don't think we can go ahead.", startMs: 70000 },
];
/** The coaches' labels per customer turn, some on purpose not what the model says. */
const LABELS = ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance', 'purchase_intent', 'resistance'] as const;

const suite = useFileStoreServer('bs-quality-', { seedDemo: true });
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-quality-it-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const url = () => suite.server.url;
const snapshot = async (id: string) => (await api(url(), 'GET', `/api/sessions/${id}`)).body as SessionSnapshot;
const quality = async (query = ''): Promise<Quality> => {
  const r = await api(url(), 'GET', `/api/quality${query}`);
  expect(r.status).toBe(200);
  return QualitySchema.parse(r.body);
};

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => void out.push(s), err: (s) => void err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A download saved to a file for the CLI. */
async function saved(route: string, name: string): Promise<string> {
  const got = await download(url(), route);
  expect(got.status).toBe(200);
  const file = path.join(dir, name);
  fs.writeFileSync(file, got.text);
  return file;
}

async function uploaded(title: string): Promise<string> {
  const created = await api(url(), 'POST', '/api/sessions', { title, participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  const id = created.body.session.id as string;
  expect((await api(url(), 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: TURNS }))).status).toBe(201);
  return id;
}

const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 10);

describe('GET /api/quality', () => {
  it('on an empty store says there is nothing to measure, and gives the models\' own training figures', async () => {
    const empty = await startTestServer();
    try {
      const r = await api(empty.url, 'GET', '/api/quality');
      expect(r.status).toBe(200);
      const q = QualitySchema.parse(r.body);
      expect(q.session).toBeNull();
      expect(q.verbal).toMatchObject({ stored: 0, rows: 0, subsets: [], versusStored: null, whatIf: null, trainedOn: [], thresholds: {} });
      expect(q.verbal.modelVersion).toBe(empty.service.modelVersion);
      expect(q.cues).toEqual({ verdicts: 0, notEmitted: 0, sessions: 0, precision: [] });
      expect(q.posture).toMatchObject({ rows: 0, noPerson: 0, perLabel: [] });
      expect(q.posture.modelVersion).toMatch(/^posture-/);
      const metrics = JSON.parse(fs.readFileSync(projectPath('models', 'verbal', 'metrics.json'), 'utf8'));
      expect(q.training.verbal).toMatchObject({ version: metrics.version, macroF1: metrics.macroF1, accuracy: metrics.accuracy, validationRows: metrics.validationRows });
      expect(q.training.verbal!.perLabel.map((l) => [l.label, l.f1, l.support])).toEqual(Object.entries(metrics.perLabel).map(([l, s]: [string, any]) => [l, s.f1, s.support]));
      expect(q.training.posture?.perLabel.length).toBeGreaterThan(0);
    } finally {
      await empty.close();
    }
  });

  it('refuses bad query input naming the field, and an unknown session', async () => {
    const get = (q: string) => api(url(), 'GET', `/api/quality${q}`);
    const cases: RefusalCase[] = [
      ['rows not a number', get('?rows=abc'), 400, 'invalid_input', 'query.rows', /whole number/],
      ['rows 0', get('?rows=0'), 400, 'invalid_input', 'query.rows'],
      ['rows over the most', get('?rows=20001'), 400, 'invalid_input', 'query.rows', /at most 20000/],
      ['rows twice', get('?rows=1&rows=2'), 400, 'invalid_input', 'query.rows', /once/],
      ['malformed session', get(`?session=${'x'.repeat(65)}`), 400, 'invalid_input', 'query.session'],
      ['session twice', get('?session=demo&session=demo'), 400, 'invalid_input', 'query.session', /once/],
      ['unknown session', get('?session=nope'), 404, 'not_found', 'sessionId'],
    ];
    await expectRefusals(cases);
  });

  it('measures the stored labels as eval measures the downloaded rows: verbal, the sweep, cues and posture agree', async () => {
    // Two uploaded meetings labelled turn by turn, and the demo's cues and the customer's frames.
    for (const title of ['First', 'Second']) {
      const id = await uploaded(title);
      const customer = (await snapshot(id)).utterances.filter((u) => u.role === 'customer');
      for (const [i, label] of LABELS.entries()) {
        suite.clock += 1000;
        expect((await api(url(), 'PUT', `/api/sessions/${id}/utterances/${customer[i]!.id}/correction`, { label })).status).toBe(200);
      }
      const cues = (await snapshot(id)).cues;
      expect(cues.length).toBeGreaterThan(0);
      for (const [i, c] of cues.entries()) {
        expect((await api(url(), 'PUT', `/api/sessions/${id}/cues/${c.id}/review`, { verdict: i % 2 ? 'false_alarm' : 'useful' })).status).toBe(200);
      }
    }
    const demo = await snapshot(DEMO_SESSION_ID);
    for (const [i, c] of demo.cues.entries()) {
      expect((await api(url(), 'PUT', `/api/sessions/${DEMO_SESSION_ID}/cues/${c.id}/review`, { verdict: i === 0 ? 'false_alarm' : 'useful' })).status).toBe(200);
    }
    const customer = loadDemoMeeting().posture!.participant;
    const postures = [
      [10_000, ['leaning_forward']], [30_000, ['arms_crossed']], [50_000, ['neutral']], [64_200, ['open_palms', 'leaning_forward']], [90_000, ['leaning_back']], [120_000, ['arms_crossed', 'leaning_back']],
    ] as const;
    for (const [mediaMs, labels] of postures) {
      expect((await api(url(), 'PUT', `/api/sessions/${DEMO_SESSION_ID}/posture-labels`, { participant: customer, mediaMs, labels })).status).toBe(200);
    }

    const q = await quality();
    const labelsFile = await saved('/api/corrections', 'labels.jsonl');
    const cueFile = await saved('/api/cue-reviews', 'cue-reviews.jsonl');
    const postureFile = await saved('/api/posture-labels', 'posture-labels.jsonl');

    // Verbal: eval verbal on the download.
    const ev = await cli(['eval', 'verbal', '--data', labelsFile, '--json']);
    expect(ev.code).toBe(0);
    const report = JSON.parse(ev.out) as VerbalEvalReport;
    expect(report.modelVersion).toBe(q.verbal.modelVersion);
    expect([q.verbal.stored, q.verbal.rows]).toEqual([12, 12]);
    expect(report.rows).toBe(12);
    expect(q.verbal.subsets.map((s) => [s.name, s.n])).toEqual(report.subsets.map((s) => [s.name, s.n]));
    expect(q.verbal.subsets.map((s) => s.name)).toEqual(['all', 'en', 'zh', 'mixed']);
    expect(q.verbal.subsets[3]!.n).toBe(2);
    for (const [k, s] of q.verbal.subsets.entries()) {
      const e = report.subsets[k]!;
      close(s.macroF1, e.model.macroF1);
      close(s.accuracy, e.model.accuracy);
      close(s.macroF1Interval.low, e.macroF1Interval.model.low);
      close(s.macroF1Interval.high, e.macroF1Interval.model.high);
      expect(s.confusion).toEqual(e.model.confusion);
      expect(s.perLabel.map((l) => l.label)).toEqual([...VERBAL_LABELS]);
      for (const l of s.perLabel) {
        const m = e.model.perLabel[l.label as (typeof VERBAL_LABELS)[number]];
        expect([l.support, l.predicted]).toEqual([m.support, m.predicted]);
        close(l.precision, m.precision);
        close(l.recall, m.recall);
        close(l.f1, m.f1);
      }
    }
    // Stored vs now: the download's model_label against the coach's label, and eval's accuracy.
    const rows = fs.readFileSync(labelsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { label: string; model_label: string; model_version: string });
    const vs = q.verbal.versusStored!;
    expect(vs.storedRight).toBe(rows.filter((r) => r.model_label === r.label).length);
    expect(vs.nowRight).toBe(Math.round(report.subsets[0]!.model.accuracy * 12));
    // Nothing retrained since they were stored: the same model, the same labels.
    expect([vs.fixed, vs.broken, vs.macroF1.difference]).toEqual([0, 0, 0]);
    // Turns stored with no signal (neutral) name no model version.
    const neutralNow = rows.filter((r) => r.model_label === 'neutral').length;
    expect(vs.storedModels).toEqual([{ version: q.verbal.modelVersion, rows: 12 - neutralNow }, ...(neutralNow ? [{ version: null, rows: neutralNow }] : [])]);

    // The what-if: eval verbal --sweep on the download, its "all" subset.
    const sw = await cli(['eval', 'verbal', '--data', labelsFile, '--sweep', '--json']);
    expect(sw.code).toBe(0);
    const sweep = JSON.parse(sw.out) as VerbalSweepReport;
    expect(q.verbal.whatIf!.caution).toBe(sweep.caution);
    for (const w of q.verbal.whatIf!.labels) {
      const s = sweep.subsets[0]!.labels[w.label as keyof typeof sweep.subsets[0]['labels']];
      expect([w.support, w.given, w.best]).toEqual([s.support, s.given.threshold, s.best]);
      close(w.givenMacroF1, s.given.macroF1);
      if (s.gain) {
        close(w.gain!.difference, s.gain.difference);
        close(w.gain!.interval.low, s.gain.interval.low);
        close(w.gain!.interval.high, s.gain.interval.high);
      } else {
        expect(w.gain).toBeNull();
      }
    }

    // Cues: eval cues on the download.
    const ec = await cli(['eval', 'cues', '--data', cueFile, '--json']);
    expect(ec.code).toBe(0);
    const cues = JSON.parse(ec.out) as CueEvalReport;
    expect([q.cues.verdicts, q.cues.notEmitted, q.cues.sessions]).toEqual([cues.verdicts, cues.notEmitted, cues.sessions]);
    expect(q.cues.sessions).toBe(3);
    expect(q.cues.precision).toEqual(cues.subsets[0]!.precision.map(({ meanScore: _m, interval, ...p }) => ({ ...p, interval: interval && { level: interval.level, low: interval.low, high: interval.high, resampled: interval.resampled } })));

    // Posture: eval posture on the download's landmark rows.
    const ep = await cli(['eval', 'posture', '--labels', postureFile, '--json']);
    expect(ep.code).toBe(0);
    const posture = JSON.parse(ep.out) as PostureEvalReport;
    expect(q.posture.modelVersion).toBe(posture.modelVersion);
    expect(q.posture.rows).toBe(posture.images);
    expect(q.posture.rows).toBe(postures.length);
    close(q.posture.noPerson / q.posture.rows, posture.noPersonShare);
    expect(q.posture.perLabel.map((l) => l.label)).toEqual(Object.keys(posture.perLabel));
    for (const l of q.posture.perLabel) {
      const e = posture.perLabel[l.label]!;
      expect([l.support, l.predicted]).toEqual([e.support, e.predicted]);
      close(l.f1, e.f1);
      close(l.precision, e.precision);
      close(l.recall, e.recall);
      close(l.f1Interval.low, posture.perLabelF1Interval[l.label]!.low);
      close(l.f1Interval.high, posture.perLabelF1Interval[l.label]!.high);
    }
  });

  it('?session= measures one session\'s labels (as its own downloads), ?rows= the newest corrections', async () => {
    const sessions = (await api(url(), 'GET', '/api/sessions')).body.sessions as { id: string; title: string }[];
    const second = sessions.find((s) => s.title === 'Second')!.id;
    const one = await quality(`?session=${second}`);
    expect(one.session).toBe(second);
    expect([one.verbal.stored, one.verbal.rows]).toEqual([6, 6]);
    expect(one.cues.sessions).toBe(1);
    expect(one.posture.rows).toBe(0);
    const file = await saved(`/api/sessions/${second}/corrections`, 'second.jsonl');
    const e = JSON.parse((await cli(['eval', 'verbal', '--data', file, '--json'])).out) as VerbalEvalReport;
    close(one.verbal.subsets[0]!.macroF1, e.subsets[0]!.model.macroF1);

    // The newest 6 of the 12: the second meeting's, labelled last.
    const newest = await quality('?rows=6');
    expect([newest.verbal.stored, newest.verbal.rows]).toEqual([12, 6]);
    expect(newest.verbal.subsets[0]).toEqual(one.verbal.subsets[0]);
  });

  it('the same question during a live meeting: a live turn shares the answer under way, a label starts a new measurement', async () => {
    const { service } = suite.server;
    const id = await uploaded('Live');
    // The server's own sharing, on the real service's events; each step synchronous, so the
    // first answer is still under way when the next question comes.
    const m = new QualityMeasurements({ service });
    const heard: string[] = [];
    const off = service.onEvent((e) => void (e.sessionId === id && heard.push(e.type)));
    try {
      const first = m.measure(null, QUALITY_ROWS_DEFAULT);
      const turn = service.addUtterance(id, { speaker: 'Li', text: 'How much would the premium plan cost per seat, and can we sign this week?', startMs: 95_000 });
      // A customer's turn with its signal: what a live meeting publishes.
      expect(heard).toEqual(expect.arrayContaining(['utterance', 'signal']));
      expect(turn.utterance.role).toBe('customer');
      const again = m.measure(null, QUALITY_ROWS_DEFAULT);
      expect(again).toBe(first);

      service.correct(id, turn.utterance.id, { label: 'price_inquiry' }, suite.clock);
      const afterLabel = m.measure(null, QUALITY_ROWS_DEFAULT);
      expect(afterLabel).not.toBe(first);
      const [a, b] = await Promise.all([first, afterLabel]);
      // The first answer is of the store before the label, the second counts it.
      expect(b.verbal.stored).toBe(a.verbal.stored + 1);
      expect(a.verbal.subsets[0]!.n + 1).toBe(b.verbal.subsets[0]!.n);
    } finally {
      off();
      await m.close();
    }
  });

  it('warns when the running posture model was trained on these labelled frames (train posture --extra), as for the verbal model', async () => {
    // A posture model folder whose manifest records extra files, as train posture --extra writes it.
    const modelDir = fs.mkdtempSync(path.join(dir, 'posture-'));
    for (const f of fs.readdirSync(projectPath('models', 'posture'))) fs.copyFileSync(projectPath('models', 'posture', f), path.join(modelDir, f));
    const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const own = await startTestServer({ seedDemo: true, postureModelDir: modelDir });
    try {
      const customer = loadDemoMeeting().posture!.participant;
      for (const [mediaMs, labels] of [[10_000, ['leaning_forward']], [30_000, ['arms_crossed']], [90_000, ['leaning_back']]] as const) {
        expect((await api(own.url, 'PUT', `/api/sessions/${DEMO_SESSION_ID}/posture-labels`, { participant: customer, mediaMs, labels })).status).toBe(200);
      }
      const got = await api(own.url, 'GET', '/api/quality');
      expect(QualitySchema.parse(got.body).posture.trainedOn).toEqual([]);
      const exported = (await download(own.url, '/api/posture-labels')).text;
      const whole = path.join(dir, 'posture-whole.jsonl');
      fs.writeFileSync(whole, exported);
      const oneLine = path.join(dir, 'posture-one.jsonl');
      fs.writeFileSync(oneLine, `${exported.split('\n')[1]!}\n`);
      const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
      const extra = { weight: 2, files: [{ path: whole, sha256: sha(whole), rows: 3 }, { path: oneLine, sha256: sha(oneLine), rows: 1 }, { path: path.join(dir, 'gone.jsonl'), sha256: sha(whole), rows: 3 }] };
      fs.writeFileSync(path.join(modelDir, 'manifest.json'), JSON.stringify({ ...manifest, extra }));

      const q = QualitySchema.parse((await api(own.url, 'GET', '/api/quality')).body);
      expect(q.posture.rows).toBe(3);
      expect(q.posture.trainedOn).toEqual([
        { path: whole, rows: 3, weight: 2, match: 'same_rows', overlap: 3 },
        { path: oneLine, rows: 1, weight: 2, match: 'overlap', overlap: 1 },
        // Recorded with the export's sha256: the same rows, wherever the file went.
        { path: path.join(dir, 'gone.jsonl'), rows: 3, weight: 2, match: 'same_rows', overlap: 3 },
      ]);
      // eval posture on the same download says the same (its stderr warning names the file).
      const ep = await cli(['eval', 'posture', '--labels', whole, '--model', modelDir, '--json']);
      expect(ep.code).toBe(0);
      expect(ep.err).toContain(`train posture --extra ${whole}`);
      // One session's labels are another export: only the file still there can be matched.
      const one = QualitySchema.parse((await api(own.url, 'GET', `/api/quality?session=${DEMO_SESSION_ID}`)).body);
      expect(one.posture.trainedOn.map((t) => t.match)).toEqual(['same_rows', 'overlap', 'same_rows']);
    } finally {
      await own.close();
    }
  });
});
