// GET /api/search on the real server (port 0, a real SQLite file, real socket.io, the real
// model): words found case- and width-insensitively with offsets into the original text, every
// filter against what the snapshot holds, a role change's re-analysis, pages without duplicates
// or gaps while turns arrive, live turns found at once, archive imports, renamed titles, deleted
// sessions gone, and refusals that name the field.
import type { SessionSnapshot } from '../../protocol/protocol';
import type { SearchAnswer, SearchResult } from '../../protocol/search';
import { api, expectRefusals, useFileStoreServer, type RefusalCase } from './harness';

const suite = useFileStoreServer('bs-search-');
const url = () => suite.server.url;
const PARTICIPANTS = [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }];

const OLDER = [
  { speaker: 'Ada', text: 'Our price is fair for a plan of this size.', startMs: 1000 },
  { speaker: 'Li', text: '这个方案太贵了，我再考虑一下。', startMs: 4000 },
  { speaker: 'Li', text: 'Too ＥＸＰＥＮＳＩＶＥ for us, honestly 😅 too expensive.', startMs: 8000 },
  { speaker: 'Li', text: 'How much would it cost for the whole team of twelve?', startMs: 12000 },
];
const NEWER = [
  { speaker: 'Ada', text: '这款理财产品起投五万元。', startMs: 1000 },
  { speaker: 'Li', text: '贵不贵？管理费能不能便宜一点？', startMs: 3000 },
  { speaker: 'Li', text: '这个price还能再低点吗', startMs: 6000 },
];

let older: string;
let newer: string;

async function upload(title: string, utterances: unknown[]): Promise<string> {
  suite.clock += 60_000;
  const id = (await api(url(), 'POST', '/api/sessions', { title, participants: PARTICIPANTS })).body.session.id as string;
  expect((await api(url(), 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances }))).status).toBe(201);
  return id;
}
const search = async (query: string) => {
  const r = await api(url(), 'GET', `/api/search?${query}`);
  expect(r.status).toBe(200);
  return r.body as SearchAnswer;
};
const snapshot = async (id: string) => (await api(url(), 'GET', `/api/sessions/${id}`)).body as SessionSnapshot;
const marked = (r: SearchResult) => r.matches.map(([a, b]) => r.text.slice(a, b));
const where = (rs: SearchResult[]) => rs.map((r) => `${r.sessionId}#${r.seq}`);

async function all(query: string, limit: number, between?: (page: number) => Promise<void>): Promise<SearchResult[]> {
  const out: SearchResult[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const answer: SearchAnswer = await search(`${query}&limit=${limit}${after ? `&after=${after}` : ''}`);
    expect(answer.results.length).toBeLessThanOrEqual(limit);
    out.push(...answer.results);
    if (answer.next === null) return out;
    after = answer.next;
    await between?.(page);
  }
  throw new Error('no last page');
}

beforeAll(async () => {
  older = await upload('Search: older', OLDER);
  newer = await upload('Search: newer', NEWER);
});

describe('GET /api/search', () => {
  it('finds 1- and 2-character Chinese words, newest session first, then in turn order, with their offsets', async () => {
    const two = await search(`q=${encodeURIComponent('太贵')}`);
    expect(two.next).toBeNull();
    expect(two.results.map((r) => [r.sessionId, r.sessionTitle, r.seq, r.speaker, r.role, r.startMs, marked(r)])).toEqual([
      [older, 'Search: older', 2, 'Li', 'customer', 4000, ['太贵']],
    ]);
    const one = await search(`q=${encodeURIComponent('贵')}`);
    expect(where(one.results)).toEqual([`${newer}#2`, `${older}#2`]);
    expect(marked(one.results[0]!)).toEqual(['贵', '贵']);
  });

  it('is case- and width-insensitive, its offsets pointing into the original text past an emoji', async () => {
    const { results } = await search('q=Too%20Expensive');
    expect(results).toHaveLength(1);
    expect(marked(results[0]!)).toEqual(['Too ＥＸＰＥＮＳＩＶＥ', 'too expensive']);
    const fullWidth = await search(`q=${encodeURIComponent('ｅｘｐｅｎｓｉｖｅ')}`);
    expect(marked(fullWidth.results[0]!)).toEqual(['ＥＸＰＥＮＳＩＶＥ', 'expensive']);
  });

  it('filters by session, role and language (mixed: a Chinese turn with an English word; zh includes it)', async () => {
    expect(where((await search(`session=${older}`)).results)).toEqual([1, 2, 3, 4].map((s) => `${older}#${s}`));
    expect(where((await search('role=rep')).results)).toEqual([`${newer}#1`, `${older}#1`]);
    expect(where((await search('q=price&role=customer')).results)).toEqual([`${newer}#3`]);
    expect(where((await search('lang=mixed')).results)).toEqual([`${newer}#3`]);
    expect(where((await search('lang=zh')).results)).toEqual([`${newer}#1`, `${newer}#2`, `${newer}#3`, `${older}#2`]);
    expect(where((await search(`lang=en&session=${older}`)).results)).toEqual([`${older}#1`, `${older}#3`, `${older}#4`]);
  });

  it("filters by the stored signal's label, uncertainty and the coach's label, as the snapshots hold them", async () => {
    const snaps = [await snapshot(newer), await snapshot(older)];
    const turns = snaps.flatMap((s) => s.utterances.map((u) => ({ u, signal: s.signals.find((x) => x.kind === 'verbal' && x.utteranceId === u.id) })));
    const key = (x: (typeof turns)[number]) => `${x.u.sessionId}#${x.u.seq}`;
    for (const label of ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance'] as const) {
      expect(where((await search(`label=${label}`)).results)).toEqual(turns.filter((x) => x.signal?.label === label).map(key));
    }
    expect(where((await search('label=neutral')).results)).toEqual(turns.filter((x) => x.u.role === 'customer' && !x.signal).map(key));
    expect(where((await search('uncertain=1')).results)).toEqual(turns.filter((x) => x.signal && x.signal.score < 0.5).map(key));
    // Results carry the signal as stored.
    const withSignal = turns.find((x) => x.signal)!;
    const found = (await search(`session=${withSignal.u.sessionId}`)).results.find((r) => r.utteranceId === withSignal.u.id)!;
    expect(found.signal).toEqual({ label: withSignal.signal!.label, score: withSignal.signal!.score });

    const target = turns.find((x) => x.u.sessionId === older && x.u.seq === 4)!.u;
    expect((await api(url(), 'PUT', `/api/sessions/${older}/utterances/${target.id}/correction`, { label: 'price_inquiry' })).status).toBe(200);
    const labelled = await search('coachLabel=price_inquiry');
    expect(where(labelled.results)).toEqual([`${older}#4`]);
    expect(labelled.results[0]!.coachLabel).toBe('price_inquiry');
    expect(where((await search('coachLabel=none&role=customer')).results)).toEqual(
      turns.filter((x) => x.u.role === 'customer' && x.u.id !== target.id).map(key),
    );
  });

  it('still finds a session\'s turns after a role change re-analysed it, its label filter following the new signals', async () => {
    const before = where((await search(`session=${newer}&q=${encodeURIComponent('贵')}`)).results);
    const r = await api(url(), 'PUT', `/api/sessions/${newer}/roles`, { roles: { Li: 'rep', Ada: 'customer' } });
    expect(r.status).toBe(200);
    expect(where((await search(`session=${newer}&q=${encodeURIComponent('贵')}`)).results)).toEqual(before);
    const snap = await snapshot(newer);
    const customerTurns = snap.utterances.filter((u) => u.role === 'customer');
    expect(where((await search(`session=${newer}&role=customer`)).results)).toEqual(customerTurns.map((u) => `${newer}#${u.seq}`));
    const signalled = new Set(snap.signals.filter((x) => x.kind === 'verbal').map((x) => (x as { utteranceId: number }).utteranceId));
    expect(where((await search(`session=${newer}&label=neutral`)).results)).toEqual(customerTurns.filter((u) => !signalled.has(u.id)).map((u) => `${newer}#${u.seq}`));
    // Back as it was, for the tests after this one.
    expect((await api(url(), 'PUT', `/api/sessions/${newer}/roles`, { roles: { Li: 'customer', Ada: 'rep' } })).status).toBe(200);
  });

  it('pages without duplicates or gaps while live turns arrive, and finds a live turn as soon as it is stored', async () => {
    const { socket } = await suite.joined(older);
    let n = 0;
    const send = (text: string) =>
      new Promise<any>((resolve) => socket.emit('utterance', { sessionId: older, utterance: { speaker: 'Li', text, startMs: 20_000 + n++ * 1000 } }, resolve));
    const before = await all('lang=zh', 50);
    const paged = await all('lang=zh', 1, async (page) => {
      // A turn in the session the pages are in (after the cursor), and one in the newest (passed).
      if (page < 3) expect((await send('还是太贵了')).ok).toBe(true);
      if (page === 3) expect((await api(url(), 'POST', `/api/sessions/${newer}/transcript?format=json`, undefined, JSON.stringify({ utterances: [{ speaker: 'Li', text: '好吧', startMs: 30_000 }] }))).status).toBe(201);
    });
    const ids = paged.map((r) => r.utteranceId);
    expect(new Set(ids).size).toBe(ids.length);
    // Every turn there before is found once, in the same order; turns stored meanwhile come after
    // the page they arrived behind, in their session's order.
    expect(where(paged).filter((k) => where(before).includes(k))).toEqual(where(before));
    expect(paged.length).toBe(before.length + 3);
    expect(paged.slice(-3).map((r) => r.text)).toEqual(['还是太贵了', '还是太贵了', '还是太贵了']);

    const ack = await send('Is there a 理财 plan with no fee at all?');
    expect(ack.ok).toBe(true);
    const live = await search(`q=${encodeURIComponent('理财 plan')}`);
    expect(live.results.map((r) => [r.sessionId, r.text, marked(r)])).toEqual([[older, 'Is there a 理财 plan with no fee at all?', ['理财 plan']]]);
  });

  it('finds the turns of an imported archive, shows a renamed title, and forgets a deleted session', async () => {
    const archive = await fetch(`${url()}/api/sessions/${newer}/archive`).then((r) => r.text());
    const imported = await api(url(), 'POST', '/api/archives', undefined, archive);
    expect(imported.status).toBe(201);
    const copy = imported.body.session.id as string;
    expect(where((await search(`q=${encodeURIComponent('理财产品')}`)).results).sort()).toEqual([`${copy}#1`, `${newer}#1`].sort());

    expect((await api(url(), 'PATCH', `/api/sessions/${copy}`, { title: 'Renamed copy' })).status).toBe(200);
    expect((await search(`session=${copy}&limit=1`)).results[0]!.sessionTitle).toBe('Renamed copy');

    expect((await api(url(), 'DELETE', `/api/sessions/${copy}`)).status).toBe(200);
    expect(where((await search(`q=${encodeURIComponent('理财产品')}`)).results)).toEqual([`${newer}#1`]);
    const gone = await api(url(), 'GET', `/api/search?session=${copy}`);
    expect(gone.status).toBe(404);
  });

  it('refuses a bad value naming the field and its limit', async () => {
    const get = (q: string) => api(url(), 'GET', `/api/search?${q}`);
    const cases: RefusalCase[] = [
      ['nothing asked', get(''), 400, 'invalid_input', 'query.q', /unless a filter/],
      ['blank words', get('q=%20%20'), 400, 'invalid_input', 'query.q', /1-200/],
      ['201 characters', get(`q=${'a'.repeat(201)}`), 400, 'invalid_input', 'query.q', /at most 200/],
      ['q twice', get('q=a&q=b'), 400, 'invalid_input', 'query.q', /once/],
      ['limit 0', get('q=a&limit=0'), 400, 'invalid_input', 'query.limit', /1 to 200/],
      ['limit 201', get('q=a&limit=201'), 400, 'invalid_input', 'query.limit', /at most 200/],
      ['limit words', get('q=a&limit=ten'), 400, 'invalid_input', 'query.limit', /1 to 200/],
      ['role', get('role=boss'), 400, 'invalid_input', 'query.role', /customer, rep/],
      ['lang', get('lang=fr'), 400, 'invalid_input', 'query.lang', /en, zh, mixed/],
      ['label', get('label=angry'), 400, 'invalid_input', 'query.label', /price_inquiry/],
      ['coachLabel', get('coachLabel=x'), 400, 'invalid_input', 'query.coachLabel', /none/],
      ['uncertain', get('uncertain=yes'), 400, 'invalid_input', 'query.uncertain', /must be 1/],
      ['cursor', get('q=a&after=xyz'), 400, 'invalid_input', 'query.after', /next/],
      ['session id', get('session=..%2F'), 400, 'invalid_input', 'query.session'],
      ['unknown session', get('session=nope'), 404, 'not_found', 'sessionId'],
    ];
    await expectRefusals(cases);
  });
});
