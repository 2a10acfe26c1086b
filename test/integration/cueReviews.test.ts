// Coaches' cue reviews on the real server (port 0, a real SQLite file, real socket.io, the real
// model): PUT a verdict on a cue and DELETE it by moment, every refusal, `cue_reviewed` to the
// session's room, the snapshot's cueReviews (GET and join), verdicts kept through a re-analysis
// (re-attached to the new cue id at the same moment, or cueId null while no cue comes there)
// and a restart, and the JSON Lines export.
import { CUE_VERDICTS, type Cue, type CueReview, type SessionSnapshot } from '../../protocol/protocol';
import { api, collect, download, rawRequest, readAnswer, useFileStoreServer, expectRefusals, type RefusalCase } from './harness';

const TURNS = [
  { speaker: 'Ada', text: 'So this is the plan we would propose for your team.', startMs: 1000 },
  { speaker: 'Li', text: 'Okay, and how much would it cost for the whole team of twelve?', startMs: 5000 },
  { speaker: 'Mo', text: '我再考虑一下吧。', startMs: 7000 },
  { speaker: 'Li', text: "Honestly, that is far too expensive for us; I don't think we can go ahead.", startMs: 70000 },
];

let id: string;
/** The session's cues as first analysed: a closing moment at 5000, a resistance at 70000. */
let closing: Cue;
let resisting: Cue;
const reviewPath = (cueId: number | string, session = id) => `/api/sessions/${session}/cues/${cueId}/review`;
const momentPath = (query: string, session = id) => `/api/sessions/${session}/cue-reviews${query}`;
const snapshot = async (session = id) => (await api(suite.server.url, 'GET', `/api/sessions/${session}`)).body as SessionSnapshot;
const suite = useFileStoreServer('bs-cue-reviews-');

const joined = (session = id) => suite.joined(session);

const exported = (p: string) => download(suite.server.url, p);
const rowsOf = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  const created = await api(suite.server.url, 'POST', '/api/sessions', { title: 'Reviews: Q3', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  id = created.body.session.id as string;
  expect((await api(suite.server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: TURNS }))).status).toBe(201);
  const cues = (await snapshot()).cues;
  expect(cues.map((c) => [c.type, c.reason, c.mediaMs])).toEqual([['closing_moment', 'buying_signal', 5000], ['resistance', 'customer_resists', 70000]]);
  [closing, resisting] = cues as [Cue, Cue];
});

describe('coach cue reviews over HTTP and socket.io', () => {
  it('PUT gives a cue a verdict and replaces it, DELETE by moment removes it; a second socket in the room hears each as cue_reviewed', async () => {
    const [a, b] = [(await joined()).socket, (await joined()).socket];
    const heard = [collect(a, 'cue_reviewed'), collect(b, 'cue_reviewed')];
    const moment = { sessionId: id, cueType: 'closing_moment', mediaMs: 5000 };

    suite.clock += 1000;
    const first = await api(suite.server.url, 'PUT', reviewPath(closing.id), { verdict: 'useful', note: '  right on time  ' });
    expect(first).toEqual({ status: 200, body: { review: { ...moment, cueId: closing.id, verdict: 'useful', note: 'right on time', reviewedAt: suite.clock } } });
    suite.clock += 1000;
    const second = await api(suite.server.url, 'PUT', reviewPath(closing.id), { verdict: 'false_alarm', note: '' });
    expect(second.body.review).toEqual({ ...moment, cueId: closing.id, verdict: 'false_alarm', note: null, reviewedAt: suite.clock });
    expect((await snapshot()).cueReviews).toEqual([second.body.review]);
    // The cue itself is untouched.
    expect((await snapshot()).cues).toEqual([closing, resisting]);

    expect(await api(suite.server.url, 'DELETE', momentPath('?type=closing_moment&mediaMs=5000'))).toEqual({ status: 200, body: { removed: true } });
    expect(await api(suite.server.url, 'DELETE', momentPath('?type=closing_moment&mediaMs=5000'))).toEqual({ status: 200, body: { removed: false } });
    const expected = [first.body.review, second.body.review, null].map((review) => ({ sessionId: id, cueType: 'closing_moment', mediaMs: 5000, review }));
    for (const h of heard) expect(await h.atLeast(3)).toEqual(expected);
    // Nothing for the DELETE that removed nothing.
    await new Promise((r) => setTimeout(r, 100));
    for (const h of heard) expect(h.items).toHaveLength(3);
    expect((await snapshot()).cueReviews).toEqual([]);
  });

  it('refuses bad ids, moments and bodies with the status, code and field, storing and sending nothing', async () => {
    const watcher = collect((await joined()).socket, 'cue_reviewed');
    const other = (await api(suite.server.url, 'POST', '/api/sessions', { participants: [{ name: 'Wu', role: 'customer' }] })).body.session.id as string;
    await api(suite.server.url, 'POST', `/api/sessions/${other}/transcript?format=json`, undefined, JSON.stringify({ utterances: [{ speaker: 'Wu', text: 'How much is it per month?', startMs: 0 }] }));
    const foreign = (await snapshot(other)).cues[0]!.id;
    const put = (p: string, body: unknown = { verdict: 'useful' }) => api(suite.server.url, 'PUT', p, body);
    const del = (query: string, session = id) => api(suite.server.url, 'DELETE', momentPath(query, session));
    const cases: RefusalCase[] = [
      ['unknown session', put(reviewPath(closing.id, 'nope')), 404, 'not_found', 'sessionId'],
      ['malformed session id', put(reviewPath(closing.id, 'x'.repeat(65))), 400, 'invalid_input', 'sessionId'],
      ['another session\'s cue', put(reviewPath(foreign)), 404, 'not_found', 'cueId', new RegExp(`cue ${foreign} is not a current cue of session "${id}"`)],
      ['no such cue', put(reviewPath(99_999_999)), 404, 'not_found', 'cueId', /a re-analysis replaces cue ids: read the session again/],
      ...['abc', '0', '-1', '1.5', '1e3', '0x10', '07', '1234567890123456'].map((bad): [string, Promise<any>, number, string, string, RegExp] => [
        `cueId ${bad}`, put(reviewPath(bad)), 400, 'invalid_input', 'cueId', /^cueId: must be a positive whole number \(the id of one of the session's current cues\)/,
      ]),
      ['undecodable cueId', put(reviewPath('%E0%A4%A')), 400, 'bad_request', 'cueId'],
      ['unknown verdict', put(reviewPath(closing.id), { verdict: 'maybe' }), 400, 'invalid_input', 'verdict', new RegExp(CUE_VERDICTS.join('.*'))],
      ['no verdict', put(reviewPath(closing.id), {}), 400, 'invalid_input', 'verdict', /^verdict: is required/],
      ['no body', api(suite.server.url, 'PUT', reviewPath(closing.id)), 400, 'invalid_input', 'verdict'],
      ['unknown field', put(reviewPath(closing.id), { verdict: 'useful', cueId: 1 }), 400, 'invalid_input', 'cueId', /unknown field/],
      ['note not a string', put(reviewPath(closing.id), { verdict: 'useful', note: 5 }), 400, 'invalid_input', 'note'],
      ['a body not JSON', api(suite.server.url, 'PUT', reviewPath(closing.id), undefined, '{"verdict":"useful"}'), 415, 'unsupported_media_type', 'content-type'],
      ['DELETE, unknown session', del('?type=closing_moment&mediaMs=5000', 'nope'), 404, 'not_found', 'sessionId'],
      ['DELETE, unknown session and no query', del('', 'nope'), 404, 'not_found', 'sessionId'],
      ['DELETE, no type', del('?mediaMs=5000'), 400, 'invalid_input', 'query.type', /^query.type: is required/],
      ['DELETE, another type', del('?type=closing&mediaMs=5000'), 400, 'invalid_input', 'query.type', /must be "closing_moment" or "resistance"/],
      ['DELETE, type twice', del('?type=resistance&type=resistance&mediaMs=5000'), 400, 'invalid_input', 'query.type'],
      ['DELETE, no mediaMs', del('?type=resistance'), 400, 'invalid_input', 'query.mediaMs', /is required \(media time in ms\)/],
      ...['', '-1', '1.5', '1e3', '0x10', ' 5'].map((bad): [string, Promise<any>, number, string, string, RegExp] => [
        `DELETE, mediaMs ${JSON.stringify(bad)}`, del(`?type=resistance&mediaMs=${encodeURIComponent(bad)}`), 400, 'invalid_input', 'query.mediaMs', /whole number of milliseconds, in digits/,
      ]),
      ['DELETE, mediaMs over 24 h', del('?type=resistance&mediaMs=86400001'), 400, 'invalid_input', 'query.mediaMs', /<= 86400000/],
      ['DELETE, mediaMs twice', del('?type=resistance&mediaMs=1&mediaMs=2'), 400, 'invalid_input', 'query.mediaMs', /given once/],
    ];
    await expectRefusals(cases);
    const long = await put(reviewPath(closing.id), { verdict: 'useful', note: 'n'.repeat(501) });
    expect(long).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', field: 'note', limit: 500, actual: 501 } } });

    // Writes from another site's page are refused as every write is.
    const foreignOrigin = { origin: 'http://evil.example', 'content-type': 'application/json' };
    expect((await rawRequest(suite.server, 'PUT', reviewPath(closing.id), foreignOrigin, '{"verdict":"useful"}')).status).toBe(403);
    expect(JSON.parse((await rawRequest(suite.server, 'DELETE', momentPath('?type=closing_moment&mediaMs=5000'), foreignOrigin)).body).error.code).toBe('forbidden_origin');

    expect((await snapshot()).cueReviews).toEqual([]);
    expect((await snapshot(other)).cueReviews).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(watcher.items).toEqual([]);
  });

  it('the snapshot carries the verdicts with their cue ids (GET and join); a re-analysis re-attaches them to the new cues at the same moments, and one that no longer emits a cue leaves its verdict with cueId null, removable by moment', async () => {
    suite.clock += 1000;
    const onResisting = (await api(suite.server.url, 'PUT', reviewPath(resisting.id), { verdict: 'false_alarm', note: '只是客气' })).body.review as CueReview;
    suite.clock += 1000;
    const onClosing = (await api(suite.server.url, 'PUT', reviewPath(closing.id), { verdict: 'useful' })).body.review as CueReview;
    const both = [onClosing, onResisting];
    expect(both.map((r) => r.cueId)).toEqual([closing.id, resisting.id]);
    expect((await snapshot()).cueReviews).toEqual(both);
    const { socket, snapshot: joinedSnapshot } = await joined();
    expect(joinedSnapshot.cueReviews).toEqual(both);

    // Re-analysed with the same models: the same moments, new cue ids.
    const replaced = collect(socket, 'reanalysed');
    const again = await api(suite.server.url, 'POST', `/api/sessions/${id}/reanalyse`);
    expect(again.status).toBe(200);
    expect(await replaced.atLeast(1)).toEqual([{ sessionId: id }]);
    const cues2 = (again.body.snapshot as SessionSnapshot).cues;
    expect(cues2.map((c) => [c.type, c.mediaMs])).toEqual([['closing_moment', 5000], ['resistance', 70000]]);
    expect(cues2[0]!.id).not.toBe(closing.id);
    const reattached = both.map((r, i) => ({ ...r, cueId: cues2[i]!.id }));
    expect(again.body.snapshot.cueReviews).toEqual(reattached);
    expect((await snapshot()).cueReviews).toEqual(reattached);
    // The replaced ids take no verdict: a client reads the session again after `reanalysed`.
    expect((await api(suite.server.url, 'PUT', reviewPath(closing.id), { verdict: 'useful' })).body.error).toMatchObject({ code: 'not_found', field: 'cueId' });
    closing = cues2[0]!;
    resisting = cues2[1]!;

    // Li a rep: no customer, no cues; the verdicts stay, with no cue.
    const roles = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Li: 'rep' } });
    expect(roles.body.snapshot.cues).toEqual([]);
    expect(roles.body.snapshot.cueReviews).toEqual(both.map((r) => ({ ...r, cueId: null })));
    const rows = rowsOf((await exported(`/api/sessions/${id}/cue-reviews`)).text);
    expect(rows).toEqual([
      { session: id, cue_type: 'closing_moment', media_ms: 5000, verdict: 'useful', reviewed_at: onClosing.reviewedAt, emitted: false },
      { session: id, cue_type: 'resistance', media_ms: 70000, verdict: 'false_alarm', note: '只是客气', reviewed_at: onResisting.reviewedAt, emitted: false },
    ]);
    // The session list counts every verdict, also those without a cue now.
    const count = async () => ((await api(suite.server.url, 'GET', '/api/sessions')).body.sessions as { id: string; cueReviewCount: number }[]).find((x) => x.id === id)!.cueReviewCount;
    await expect(count()).resolves.toBe(2);
    const heard = collect(socket, 'cue_reviewed');
    expect(await api(suite.server.url, 'DELETE', momentPath('?type=resistance&mediaMs=70000'))).toEqual({ status: 200, body: { removed: true } });
    expect(await heard.atLeast(1)).toEqual([{ sessionId: id, cueType: 'resistance', mediaMs: 70000, review: null }]);
    await expect(count()).resolves.toBe(1);

    // A customer again: the verdict left finds its moment's cue; the resistance's was removed.
    const back = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Li: 'customer' } });
    const cues3 = (back.body.snapshot as SessionSnapshot).cues;
    expect(back.body.snapshot.cueReviews).toEqual([{ ...onClosing, cueId: cues3[0]!.id }]);
    [closing, resisting] = cues3 as [Cue, Cue];
    suite.clock += 1000;
    expect((await api(suite.server.url, 'PUT', reviewPath(resisting.id), { verdict: 'useful' })).status).toBe(200);
  });

  it('exports every verdict as JSON Lines, in session then media-time order, with the current cue\'s reason, score, technique, model and evidence', async () => {
    const snap = await snapshot();
    const [c, r] = [snap.cueReviews[0]!, snap.cueReviews[1]!];
    const cueRow = (cue: Cue) => ({
      reason: cue.reason, score: cue.score, technique: cue.technique, model_version: cue.modelVersion,
      evidence: cue.evidence.map((e) => ({ kind: e.kind, label: e.label, score: e.score, media_ms: e.mediaMs, text: e.text })),
    });
    const expected = [
      { session: id, cue_type: 'closing_moment', media_ms: 5000, verdict: c.verdict, reviewed_at: c.reviewedAt, emitted: true, ...cueRow(closing) },
      { session: id, cue_type: 'resistance', media_ms: 70000, verdict: r.verdict, reviewed_at: r.reviewedAt, emitted: true, ...cueRow(resisting) },
    ];
    expect(expected[0]).toMatchObject({ reason: 'buying_signal', technique: 'direct_request', model_version: suite.server.service.modelVersion, evidence: [{ kind: 'verbal', label: 'price_inquiry', media_ms: 5000, text: TURNS[1]!.text }] });

    const res = await exported(`/api/sessions/${id}/cue-reviews`);
    expect(res).toMatchObject({ status: 200, type: 'application/x-ndjson; charset=utf-8', disposition: 'attachment; filename="Reviews_ Q3-cue-reviews.jsonl"' });
    expect(rowsOf(res.text)).toEqual(expected);
    expect(res.text.endsWith('\n')).toBe(true);
    // Written in the order documented.
    expect(Object.keys(rowsOf(res.text)[0]!)).toEqual(['session', 'cue_type', 'media_ms', 'verdict', 'reviewed_at', 'emitted', 'reason', 'score', 'technique', 'model_version', 'evidence']);

    // Every session's, in one file: this session's rows, then a later session's (a Chinese title is named by RFC 5987 in its own export).
    const later = (await api(suite.server.url, 'POST', '/api/sessions', { title: '第二次', participants: [{ name: '王先生', role: 'customer' }] })).body.session.id as string;
    await api(suite.server.url, 'POST', `/api/sessions/${later}/transcript?format=json`, undefined, JSON.stringify({ utterances: [{ speaker: '王先生', text: '这个多少钱？', startMs: 2500 }] }));
    const wang = (await snapshot(later)).cues[0]!;
    suite.clock += 1000;
    expect((await api(suite.server.url, 'PUT', reviewPath(wang.id, later), { verdict: 'useful', note: '好' })).status).toBe(200);
    expect((await exported(`/api/sessions/${later}/cue-reviews`)).disposition).toBe(`attachment; filename="${later}-cue-reviews.jsonl"; filename*=UTF-8''${encodeURIComponent('第二次-cue-reviews.jsonl')}`);
    const all = await exported('/api/cue-reviews');
    expect(all).toMatchObject({ status: 200, type: 'application/x-ndjson; charset=utf-8', disposition: 'attachment; filename="cue-reviews.jsonl"' });
    const rows = rowsOf(all.text);
    // The refusals test's session (created before `later`) has no verdicts.
    expect(rows.map((x) => [x.session, x.cue_type, x.media_ms])).toEqual([[id, 'closing_moment', 5000], [id, 'resistance', 70000], [later, wang.type, wang.mediaMs]]);
    expect(rows[2]).toMatchObject({ verdict: 'useful', note: '好', emitted: true });
  });

  it('an export with no verdicts is an empty 200; an unknown session is a 404', async () => {
    const empty = (await api(suite.server.url, 'POST', '/api/sessions', { title: 'nothing yet' })).body.session.id as string;
    expect(await exported(`/api/sessions/${empty}/cue-reviews`)).toEqual({
      status: 200, type: 'application/x-ndjson; charset=utf-8', disposition: 'attachment; filename="nothing yet-cue-reviews.jsonl"', text: '',
    });
    const missing = await readAnswer(await fetch(`${suite.server.url}/api/sessions/nope/cue-reviews`));
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found', field: 'sessionId' } } });
  });

  it('keeps the verdicts across a restart on the same file', async () => {
    const before = { snap: await snapshot(), one: (await exported(`/api/sessions/${id}/cue-reviews`)).text, all: (await exported('/api/cue-reviews')).text };
    expect(before.snap.cueReviews).toHaveLength(2);
    const listed = async () => ((await api(suite.server.url, 'GET', '/api/sessions')).body.sessions as { id: string; cueReviewCount: number }[]).find((x) => x.id === id)!.cueReviewCount;
    await expect(listed()).resolves.toBe(2);
    await suite.restart();
    expect((await snapshot()).cueReviews).toEqual(before.snap.cueReviews);
    expect((await exported(`/api/sessions/${id}/cue-reviews`)).text).toBe(before.one);
    expect((await exported('/api/cue-reviews')).text).toBe(before.all);
    await expect(listed()).resolves.toBe(2);
  });
});
