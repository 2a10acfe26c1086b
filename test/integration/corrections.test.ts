// Coaches' corrections on the real server (port 0, a real SQLite file, real socket.io, the real
// model): PUT / DELETE a turn's label and every refusal, `corrected` to the session's room, the
// snapshot's corrections (GET and join), labels kept through a role change's re-analysis and a
// restart, and the export as eval-verbal rows that `eval verbal --data` reads.
import fs from 'node:fs';
import path from 'node:path';
import { VERBAL_LABELS, type Correction, type SessionSnapshot, type VerbalSignal } from '../../protocol/protocol';
import { main } from '../../server/cli/main';
import { readLabeledJsonl } from '../../server/signals/verbal/corpus';
import type { VerbalEvalReport } from '../../server/eval/verbalEval';
import { api, collect, download, rawRequest, readAnswer, useFileStoreServer, type TestSocket, expectRefusals, type RefusalCase } from './harness';

const TURNS = [
  { speaker: 'Ada', text: 'So this is the plan we would propose for your team.', startMs: 1000 },
  { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5000 },
  { speaker: 'Mo', text: '我再考虑一下吧。', startMs: 7000 },
  { speaker: 'Li', text: 'Could you give us a discount if we sign for two years?', startMs: 9000 },
  { speaker: 'Li', text: '这个方案听起来不错，我们就定了吧。', startMs: 13000 },
];

let id: string;
let turns: SessionSnapshot['utterances'];
/** Turns by their place in TURNS. */
const turn = (i: number) => turns[i]!;
const correctionPath = (utteranceId: number | string, session = id) => `/api/sessions/${session}/utterances/${utteranceId}/correction`;
const snapshot = async (session = id) => (await api(suite.server.url, 'GET', `/api/sessions/${session}`)).body as SessionSnapshot;
const suite = useFileStoreServer('bs-corrections-');

const joined = async (): Promise<TestSocket> => (await suite.joined(id)).socket;

const exported = (p: string) => download(suite.server.url, p);

beforeAll(async () => {
  const created = await api(suite.server.url, 'POST', '/api/sessions', { title: 'Corrections: Q3', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  id = created.body.session.id as string;
  expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: TURNS }))).status).toBe(201);
  turns = (await snapshot()).utterances;
  expect(turns.map((u) => u.role)).toEqual(['rep', 'customer', null, 'customer', 'customer']);
});

describe('coach corrections over HTTP and socket.io', () => {
  it('PUT labels a customer turn and replaces its label, DELETE removes it; a second socket in the room hears each as corrected', async () => {
    const [a, b] = [await joined(), await joined()];
    const heard = [collect(a, 'corrected'), collect(b, 'corrected')];
    const li = turn(1).id;

    suite.clock += 1000;
    const first = await api(suite.server.url, 'PUT', correctionPath(li), { label: 'neutral', note: '  only asking  ' });
    expect(first).toEqual({ status: 200, body: { correction: { sessionId: id, utteranceId: li, label: 'neutral', note: 'only asking', correctedAt: suite.clock } } });
    suite.clock += 1000;
    const second = await api(suite.server.url, 'PUT', correctionPath(li), { label: 'price_inquiry', note: '' });
    expect(second.body.correction).toEqual({ sessionId: id, utteranceId: li, label: 'price_inquiry', note: null, correctedAt: suite.clock });
    expect((await snapshot()).corrections).toEqual([second.body.correction]);

    expect(await api(suite.server.url, 'DELETE', correctionPath(li))).toEqual({ status: 200, body: { removed: true } });
    expect(await api(suite.server.url, 'DELETE', correctionPath(li))).toEqual({ status: 200, body: { removed: false } });
    const expected = [first.body.correction, second.body.correction, null].map((correction) => ({ sessionId: id, utteranceId: li, correction }));
    for (const h of heard) expect(await h.atLeast(3)).toEqual(expected);
    // Nothing for the DELETE that removed nothing.
    await new Promise((r) => setTimeout(r, 100));
    for (const h of heard) expect(h.items).toHaveLength(3);
    expect((await snapshot()).corrections).toEqual([]);
  });

  it('refuses bad ids, bodies and non-customer turns with the status, code and field, storing and sending nothing', async () => {
    const watcher = collect(await joined(), 'corrected');
    const other = (await api(suite.server.url, 'POST', '/api/sessions', { participants: [{ name: 'Wu', role: 'customer' }] })).body.session.id as string;
    await api(suite.server.url, 'POST', `/api/sessions/${other}/transcript?format=json`, undefined, JSON.stringify({ utterances: [{ speaker: 'Wu', text: 'price?', startMs: 0 }] }));
    const wu = (await snapshot(other)).utterances[0]!.id;
    const li = turn(1).id;
    const put = (p: string, body: unknown = { label: 'neutral' }) => api(suite.server.url, 'PUT', p, body);
    const cases: RefusalCase[] = [
      ['unknown session', put(correctionPath(li, 'nope')), 404, 'not_found', 'sessionId'],
      ['malformed session id', put(correctionPath(li, 'x'.repeat(65))), 400, 'invalid_input', 'sessionId'],
      ['another session\'s turn', put(correctionPath(wu)), 404, 'not_found', 'utteranceId', new RegExp(`turn ${wu} is not a turn of session "${id}"`)],
      ['no such turn', put(correctionPath(99_999_999)), 404, 'not_found', 'utteranceId'],
      ...['abc', '0', '-1', '1.5', '1e3', '0x10', '07', '1234567890123456'].map((bad): [string, Promise<any>, number, string, string, RegExp] => [
        `utteranceId ${bad}`, put(correctionPath(bad)), 400, 'invalid_input', 'utteranceId', /^utteranceId: must be a positive whole number/,
      ]),
      ['undecodable utteranceId', put(correctionPath('%E0%A4%A')), 400, 'bad_request', 'utteranceId'],
      ['unknown label', put(correctionPath(li), { label: 'maybe' }), 400, 'invalid_input', 'label', new RegExp(VERBAL_LABELS.join('.*'))],
      ['no label', put(correctionPath(li), {}), 400, 'invalid_input', 'label', /^label: is required/],
      ['no body', api(suite.server.url, 'PUT', correctionPath(li)), 400, 'invalid_input', 'label'],
      ['unknown field', put(correctionPath(li), { label: 'neutral', score: 1 }), 400, 'invalid_input', 'score'],
      ['note not a string', put(correctionPath(li), { label: 'neutral', note: 5 }), 400, 'invalid_input', 'note'],
      ['a body not JSON', api(suite.server.url, 'PUT', correctionPath(li), undefined, '{"label":"neutral"}'), 415, 'unsupported_media_type', 'content-type'],
      ['a rep\'s turn', put(correctionPath(turn(0).id)), 409, 'not_customer', 'utteranceId', /only customer turns carry buying signals; "Ada" has role rep/],
      ['a turn of a speaker without a role', put(correctionPath(turn(2).id)), 409, 'not_customer', 'utteranceId', /"Mo" has no role yet: assign one first/],
      ['DELETE, unknown session', api(suite.server.url, 'DELETE', correctionPath(li, 'nope')), 404, 'not_found', 'sessionId'],
      ['DELETE, bad utteranceId', api(suite.server.url, 'DELETE', correctionPath('x')), 400, 'invalid_input', 'utteranceId'],
      ['DELETE, another session\'s turn', api(suite.server.url, 'DELETE', correctionPath(wu)), 404, 'not_found', 'utteranceId'],
    ];
    await expectRefusals(cases);
    const long = await put(correctionPath(li), { label: 'neutral', note: 'n'.repeat(501) });
    expect(long).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', field: 'note', limit: 500, actual: 501 } } });

    // Writes from another site's page are refused as every write is.
    const foreign = { origin: 'http://evil.example', 'content-type': 'application/json' };
    expect((await rawRequest(suite.server, 'PUT', correctionPath(li), foreign, '{"label":"neutral"}')).status).toBe(403);
    expect(JSON.parse((await rawRequest(suite.server, 'DELETE', correctionPath(li), foreign)).body).error.code).toBe('forbidden_origin');

    expect((await snapshot()).corrections).toEqual([]);
    expect((await snapshot(other)).corrections).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(watcher.items).toEqual([]);
  });

  it('the snapshot carries the corrections (GET and join); a role change\'s re-analysis keeps them, and then the new customer\'s turn takes one', async () => {
    suite.clock += 1000;
    const a = (await api(suite.server.url, 'PUT', correctionPath(turn(3).id), { label: 'discount_request' })).body.correction as Correction;
    suite.clock += 1000;
    const b = (await api(suite.server.url, 'PUT', correctionPath(turn(1).id), { label: 'neutral', note: '只是问问' })).body.correction as Correction;
    const both = [b, a];
    expect((await snapshot()).corrections).toEqual(both);
    const { socket: s, snapshot: joinedSnap } = await suite.joined(id);
    expect(joinedSnap.corrections).toEqual(both);

    const replaced = collect(s, 'reanalysed');
    const roles = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Mo: 'customer' } });
    expect(roles.status).toBe(200);
    expect(await replaced.atLeast(1)).toEqual([{ sessionId: id }]);
    expect(roles.body.snapshot.corrections).toEqual(both);
    expect(await api(suite.server.url, 'POST', `/api/sessions/${id}/reanalyse`)).toMatchObject({ status: 200, body: { snapshot: { corrections: both } } });
    suite.clock += 1000;
    expect((await api(suite.server.url, 'PUT', correctionPath(turn(2).id), { label: 'resistance' })).status).toBe(200);
    expect((await snapshot()).corrections.map((c) => c.utteranceId)).toEqual([turn(1).id, turn(2).id, turn(3).id]);
  });

  it('exports a session\'s corrected customer turns as eval-verbal rows in turn order, leaves out a turn no longer a customer\'s, and eval verbal reads the file', async () => {
    const snap = await snapshot();
    const signalOf = (utteranceId: number) => snap.signals.find((g): g is VerbalSignal => g.kind === 'verbal' && g.utteranceId === utteranceId);
    const rowOf = (i: number, c: Correction) => {
      const g = signalOf(turn(i).id);
      return {
        text: TURNS[i]!.text, label: c.label, lang: /[\u3400-\u9fff]/.test(TURNS[i]!.text) ? 'zh' : 'en', role: 'customer', context: TURNS[i - 1]!.text,
        session: id, utterance: turn(i).id, speaker: TURNS[i]!.speaker, startMs: TURNS[i]!.startMs,
        model_label: g?.label ?? 'neutral', model_score: g?.score ?? null, model_version: g?.modelVersion ?? null,
        ...(c.note !== null ? { note: c.note } : {}), corrected_at: c.correctedAt,
      };
    };
    const byTurn = new Map(snap.corrections.map((c) => [c.utteranceId, c]));
    const expected = [1, 2, 3].map((i) => rowOf(i, byTurn.get(turn(i).id)!));
    // The model gave the discount question its signal; rows carry what it said.
    expect(expected[2]).toMatchObject({ model_label: 'discount_request', model_version: suite.server.service.modelVersion });

    const res = await exported(`/api/sessions/${id}/corrections`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/x-ndjson; charset=utf-8');
    expect(res.disposition).toBe('attachment; filename="Corrections_ Q3-labels.jsonl"');
    expect(res.text.split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual(expected);
    expect(res.text.endsWith('\n')).toBe(true);
    // The session list counts the labelled customer turns, as the export does.
    const listed = async () => ((await api(suite.server.url, 'GET', '/api/sessions')).body.sessions as { id: string; correctionCount: number }[]).find((x) => x.id === id)!.correctionCount;
    await expect(listed()).resolves.toBe(3);

    // Mo is a rep now: the label stays (snapshot) but is no customer turn's to export.
    expect((await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Mo: 'rep' } })).status).toBe(200);
    expect((await snapshot()).corrections).toHaveLength(3);
    const after = await exported(`/api/sessions/${id}/corrections`);
    expect(after.text.split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual([expected[0], expected[2]]);
    await expect(listed()).resolves.toBe(2);

    // Every session's, in one file: this session's rows, then a later session's.
    const later = (await api(suite.server.url, 'POST', '/api/sessions', { title: '第二次', participants: [{ name: '王先生', role: 'customer' }] })).body.session.id as string;
    await api(suite.server.url, 'POST', `/api/sessions/${later}/transcript?format=json`, undefined, JSON.stringify({ utterances: [{ speaker: '王先生', text: '能再便宜一点吗？', startMs: 0 }] }));
    const wang = (await snapshot(later)).utterances[0]!.id;
    expect((await api(suite.server.url, 'PUT', correctionPath(wang, later), { label: 'discount_request' })).status).toBe(200);
    const all = await exported('/api/corrections');
    expect(all).toMatchObject({ status: 200, type: 'application/x-ndjson; charset=utf-8', disposition: 'attachment; filename="corrections.jsonl"' });
    const rows = all.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.session, r.utterance])).toEqual([[id, turn(1).id], [id, turn(3).id], [later, wang]]);
    expect(rows[2]).toMatchObject({ lang: 'zh', speaker: '王先生', label: 'discount_request' });
    expect(rows[2]).not.toHaveProperty('context');

    // The training/eval reader takes the file, and eval verbal runs on it.
    const file = path.join(suite.dir, 'corrections.jsonl');
    fs.writeFileSync(file, all.text);
    expect(readLabeledJsonl(file).map((r) => [r.text, r.label, r.lang, r.role, r.context])).toEqual(
      rows.map((r) => [r.text, r.label, r.lang, 'customer', r.context]),
    );
    const out: string[] = [];
    const err: string[] = [];
    expect(await main(['eval', 'verbal', '--data', file, '--json'], { out: (s) => void out.push(s), err: (s) => void err.push(s) })).toBe(0);
    const report = JSON.parse(out.join('')) as VerbalEvalReport;
    expect(report.subsets.map((s) => [s.name, s.n])).toEqual([['all', 3], ['en', 2], ['zh', 1]]);
  });

  it('an export with no corrections is an empty 200; an unknown session is a 404', async () => {
    const empty = (await api(suite.server.url, 'POST', '/api/sessions', { title: 'nothing yet' })).body.session.id as string;
    expect(await exported(`/api/sessions/${empty}/corrections`)).toEqual({
      status: 200, type: 'application/x-ndjson; charset=utf-8', disposition: 'attachment; filename="nothing yet-labels.jsonl"', text: '',
    });
    const missing = await readAnswer(await fetch(`${suite.server.url}/api/sessions/nope/corrections`));
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found', field: 'sessionId' } } });
  });

  it('keeps the corrections across a restart on the same file', async () => {
    const before = { snap: await snapshot(), one: (await exported(`/api/sessions/${id}/corrections`)).text, all: (await exported('/api/corrections')).text };
    await suite.restart();
    expect((await snapshot()).corrections).toEqual(before.snap.corrections);
    expect((await exported(`/api/sessions/${id}/corrections`)).text).toBe(before.one);
    expect((await exported('/api/corrections')).text).toBe(before.all);
  });
});
