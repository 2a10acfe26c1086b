// eval cues on the server's own export: the real server (port 0, the seeded demo meeting, real
// SQLite and model), coaches' verdicts PUT on its cues, GET /api/cue-reviews downloaded to a file
// and `eval cues` run on it through the CLI's entry function; the figures are checked against
// the verdicts given and the session's own signals (the trigger the sweep reads back).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cue, SessionSnapshot } from '../../protocol/protocol';
import type { RunningServer } from '../../server/main';
import { main } from '../../server/cli/main';
import type { CueEvalReport } from '../../server/eval/cueReviewEval';
import { api, download, startTestServer } from './harness';

let dir: string;
let server: RunningServer;
const snapshot = async (id: string) => (await api(server.url, 'GET', `/api/sessions/${id}`)).body as SessionSnapshot;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-eval-cues-it-'));
  server = await startTestServer({ seedDemo: true });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An uploaded meeting: a closing moment at 5000 (a price question) and a resistance at 70000. */
const TURNS = [
  { speaker: 'Ada', text: 'So this is the plan we would propose for your team.', startMs: 1000 },
  { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5000 },
  { speaker: 'Li', text: "Honestly, that is far too expensive for us; I don't think we can go ahead.", startMs: 70000 },
];

async function uploaded(title: string): Promise<string> {
  const created = await api(server.url, 'POST', '/api/sessions', { title, participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  const id = created.body.session.id as string;
  expect((await api(server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: TURNS }))).status).toBe(201);
  return id;
}

async function review(session: string, cue: Cue, verdict: 'useful' | 'false_alarm'): Promise<void> {
  expect((await api(server.url, 'PUT', `/api/sessions/${session}/cues/${cue.id}/review`, { verdict })).status).toBe(200);
}

async function evalCues(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['eval', 'cues', ...args], { out: (s) => void out.push(s), err: (s) => void err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('eval cues on GET /api/cue-reviews: the verdicts given, precision per type and reason over the meetings, and the sweep reading each cue\'s trigger back', async () => {
  // The seeded demo: a resistance, a nod after the rep's point, an objection answered by a price
  // question (the objection a posture), signals adding up.
  const demo = await snapshot('demo');
  expect(demo.cues.map((c) => [c.type, c.reason])).toEqual([
    ['resistance', 'customer_resists'], ['closing_moment', 'benefit_acknowledged'], ['closing_moment', 'objection_removed'], ['closing_moment', 'signals_accumulating'],
  ]);
  const demoVerdicts = ['false_alarm', 'useful', 'useful', 'useful'] as const;
  for (const [i, c] of demo.cues.entries()) await review('demo', c, demoVerdicts[i]!);
  const second = await uploaded('Second meeting');
  const [closing, resisting] = (await snapshot(second)).cues as [Cue, Cue];
  expect([closing.reason, resisting.reason]).toEqual(['buying_signal', 'customer_resists']);
  await review(second, closing, 'useful');
  await review(second, resisting, 'false_alarm');
  // A third whose customer becomes a rep: its cue is no longer emitted, its verdict stays (emitted: false).
  const third = await uploaded('Third meeting');
  await review(third, (await snapshot(third)).cues[0]!, 'useful');
  expect((await api(server.url, 'PUT', `/api/sessions/${third}/roles`, { roles: { Li: 'rep' } })).status).toBe(200);
  expect((await snapshot(third)).cues).toEqual([]);

  const got = await download(server.url, '/api/cue-reviews');
  expect(got.status).toBe(200);
  const file = path.join(dir, 'cue-reviews.jsonl');
  fs.writeFileSync(file, got.text);

  const text = await evalCues(['--data', file, '--sweep']);
  expect(text.code).toBe(0);
  expect(text.err).toBe('');
  expect(text.out).toMatch(/^cue verdicts: 7 of 3 sessions in /m);
  expect(text.out).toMatch(/^1 on cues the current analysis no longer emits/m);

  const j = await evalCues(['--data', file, '--sweep', '--json', '--by', 'session']);
  expect(j.code).toBe(0);
  const r = JSON.parse(j.out) as CueEvalReport;
  expect([r.verdicts, r.notEmitted, r.sessions]).toEqual([7, 1, 3]);
  const all = r.subsets[0]!;
  expect(all.precision.map((p) => [p.cueType, p.reason, p.reviewed, p.useful, p.sessions, p.precision, p.interval?.resampled])).toEqual([
    [null, null, 6, 4, 2, 4 / 6, 'sessions'],
    ['closing_moment', null, 4, 4, 2, 1, 'sessions'],
    ['closing_moment', 'buying_signal', 1, 1, 1, 1, 'rows'],
    ['closing_moment', 'signals_accumulating', 1, 1, 1, 1, 'rows'],
    ['closing_moment', 'objection_removed', 1, 1, 1, 1, 'rows'],
    ['closing_moment', 'benefit_acknowledged', 1, 1, 1, 1, 'rows'],
    ['resistance', null, 2, 0, 2, 0, 'sessions'],
    ['resistance', 'customer_resists', 2, 0, 2, 0, 'sessions'],
  ]);
  expect([all.precision[1]!.interval?.low, all.precision[1]!.interval?.high]).toEqual([1, 1]);
  expect([all.precision[6]!.interval?.low, all.precision[6]!.interval?.high]).toEqual([0, 0]);
  const cueScore = (c: Cue) => c.score;
  expect(all.precision[6]!.meanScore.falseAlarms).toBeCloseTo((cueScore(demo.cues[0]!) + cueScore(resisting)) / 2, 10);

  // The sweep: every verbal-triggered cue's trigger found, its score that of the customer's
  // signal at the cue's media time in the session itself; the nod left out (posture).
  const sweep = all.sweep!;
  expect([sweep.swept, sweep.postureTriggered, sweep.unidentified]).toEqual([5, 1, 0]);
  const triggers = new Map<string, number[]>();
  for (const [session, snap] of [['demo', demo], [second, await snapshot(second)]] as const) {
    for (const c of snap.cues) {
      if (c.reason === 'benefit_acknowledged') continue;
      const s = snap.signals.find((x) => x.kind === 'verbal' && x.mediaMs === c.mediaMs);
      expect({ session, cue: c.mediaMs, found: s !== undefined }).toEqual({ session, cue: c.mediaMs, found: true });
      triggers.set(s!.label, [...(triggers.get(s!.label) ?? []), s!.score]);
    }
  }
  expect(sweep.labels.map((l) => [l.label, l.reviewed, l.minScore])).toEqual(
    [...triggers.entries()].sort(([a], [b]) => ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance'].indexOf(a) - ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance'].indexOf(b)).map(([l, scores]) => [l, scores.length, Math.min(...scores)]),
  );
  // Resistance triggered only false alarms: no pick; at 0.50 every cue is kept.
  const resistance = sweep.labels.find((l) => l.label === 'resistance')!;
  expect([resistance.useful, resistance.falseAlarms, resistance.best]).toEqual([0, 2, null]);
  for (const l of sweep.labels) expect(l.points[0]).toMatchObject({ threshold: 0.5, usefulKept: l.useful, falseAlarmsKept: l.falseAlarms, usefulLost: 0 });

  // --by session: one subset per meeting; the third's verdict is counted, left out of precision.
  expect(r.subsets.slice(1).map((s) => [s.slice?.value, s.verdicts, s.notEmitted, s.precision[0]!.reviewed])).toEqual(
    [['demo', 4, 0, 4], [second, 2, 0, 2], [third, 1, 1, 0]].sort((a, b) => String(a[0]).localeCompare(String(b[0]), 'en', { numeric: true })),
  );
});
