// Coaches' comments and the review report on the real server (port 0, a real SQLite file, real
// socket.io, the real models) with the seeded demo session: POST, PUT and DELETE a comment,
// every refusal of protocol.md's table (after which nothing is stored or sent), `commented` to
// the session's room, the snapshot's comments (GET and join), the session list's commentCount,
// comments kept through a role change and a restart, and the Markdown review downloaded in both
// languages with the demo's turns, cues and a comment.
import { CommentedEventSchema, CommentSchema } from '../../protocol/outbound';
import { LIMITS, type Comment, type SessionSnapshot } from '../../protocol/protocol';
import { DEMO_SESSION_ID, loadDemoMeeting } from '../../server/demo/demo';
import { exportDisposition } from '../../server/ingest/export';
import { formatMediaTime } from '../../server/ingest/reviewReport';
import { api, collect, download, rawRequest, useFileStoreServer, expectRefusals, type RefusalCase } from './harness';

const demo = loadDemoMeeting();
const id = DEMO_SESSION_ID;
const suite = useFileStoreServer('bs-comments-', { seedDemo: true });
const commentsPath = (session = id) => `/api/sessions/${session}/comments`;
const commentPath = (commentId: number | string, session = id) => `/api/sessions/${session}/comments/${commentId}`;
const snapshot = async (session = id) => (await api(suite.server.url, 'GET', `/api/sessions/${session}`)).body as SessionSnapshot;
const listed = async (session = id) => ((await api(suite.server.url, 'GET', '/api/sessions')).body.sessions as { id: string; commentCount: number }[]).find((x) => x.id === session)!.commentCount;
const post = (body: unknown, session = id) => api(suite.server.url, 'POST', commentsPath(session), body);
const put = (commentId: number | string, body: unknown, session = id) => api(suite.server.url, 'PUT', commentPath(commentId, session), body);
const del = (commentId: number | string, session = id) => api(suite.server.url, 'DELETE', commentPath(commentId, session));
const quiet = () => new Promise((r) => setTimeout(r, 100));

describe('coach comments over HTTP and socket.io', () => {
  it('POST adds a comment (201), PUT replaces it (createdAt kept, editedAt the server\'s clock), DELETE removes it; a second socket in the room hears each as commented', async () => {
    const [a, b] = [(await suite.joined(id)).socket, (await suite.joined(id)).socket];
    const heard = [collect(a, 'commented'), collect(b, 'commented')];
    suite.clock += 1000;
    const created = await post({ mediaMs: 57_000, text: '  Ask for the deal here: she has asked the price twice  ', author: '  Coach Wu ' });
    expect(created.status).toBe(201);
    const first = CommentSchema.parse(created.body.comment);
    expect(first).toEqual({ id: expect.any(Number), sessionId: id, mediaMs: 57_000, text: 'Ask for the deal here: she has asked the price twice', author: 'Coach Wu', createdAt: suite.clock, editedAt: null });
    const createdAt = suite.clock;
    suite.clock += 1000;
    const edited = await put(first.id, { mediaMs: 71_000, text: '问优惠时就该推进成交', author: '' });
    expect(edited).toEqual({ status: 200, body: { comment: { ...first, mediaMs: 71_000, text: '问优惠时就该推进成交', author: null, createdAt, editedAt: suite.clock } } });
    expect((await snapshot()).comments).toEqual([edited.body.comment]);
    expect(await del(first.id)).toEqual({ status: 200, body: { removed: true } });
    expect(await del(first.id)).toEqual({ status: 200, body: { removed: false } });
    const expected = [first, edited.body.comment, null].map((comment) => ({ sessionId: id, commentId: first.id, comment }));
    for (const h of heard) {
      expect((await h.atLeast(3)).map((e) => CommentedEventSchema.parse(e))).toEqual(expected);
    }
    // Nothing for the DELETE that removed nothing.
    await quiet();
    for (const h of heard) expect(h.items).toHaveLength(3);
    expect((await snapshot()).comments).toEqual([]);
  });

  it('refuses as protocol.md\'s table says, in that order, storing and sending nothing', async () => {
    const watcher = collect((await suite.joined(id)).socket, 'commented');
    const mine = (await post({ mediaMs: 1000, text: 'kept as it is' })).body.comment as Comment;
    const other = (await api(suite.server.url, 'POST', '/api/sessions', { title: 'other' })).body.session.id as string;
    const foreign = (await post({ mediaMs: 0, text: 'theirs' }, other)).body.comment as Comment;
    await quiet();
    watcher.items.length = 0;
    const before = { mine: (await snapshot()).comments, theirs: (await snapshot(other)).comments };
    const ok = { mediaMs: 5, text: 'fine' };
    const cases: RefusalCase[] = [
      ['POST, unknown session', post(ok, 'nope'), 404, 'not_found', 'sessionId'],
      ['PUT, unknown session', put(mine.id, ok, 'nope'), 404, 'not_found', 'sessionId'],
      ['DELETE, unknown session', del(mine.id, 'nope'), 404, 'not_found', 'sessionId'],
      ['PUT, unknown session and a bad id and body', put('abc', { x: 1 }, 'nope'), 404, 'not_found', 'sessionId'],
      ['POST, unknown session and a body not JSON', api(suite.server.url, 'POST', commentsPath('nope'), undefined, '{"mediaMs":1,"text":"x"}'), 404, 'not_found', 'sessionId'],
      ['POST, malformed session id', post(ok, 'x'.repeat(65)), 400, 'invalid_input', 'sessionId'],
      ...['abc', '0', '-1', '1.5', '1e3', '0x10', '07', '1234567890123456'].flatMap((bad): Array<[string, Promise<any>, number, string, string, RegExp]> => [
        [`PUT, commentId ${bad}`, put(bad, ok), 400, 'invalid_input', 'commentId', /^commentId: must be a positive whole number \(the id of one of the session's comments\)/],
        [`DELETE, commentId ${bad}`, del(bad), 400, 'invalid_input', 'commentId', /^commentId: must be a positive whole number/],
      ]),
      ['PUT, undecodable commentId', put('%E0%A4%A', ok), 400, 'bad_request', 'commentId'],
      ['PUT, a bad commentId and a bad body', put('abc', {}), 400, 'invalid_input', 'commentId'],
      ['PUT, another session\'s comment', put(foreign.id, ok), 404, 'not_found', 'commentId', new RegExp(`comment ${foreign.id} is not a comment of session "${id}"`)],
      ['PUT, no such comment', put(99_999_999, ok), 404, 'not_found', 'commentId'],
      ['POST, no mediaMs', post({ text: 'x' }), 400, 'invalid_input', 'mediaMs', /^mediaMs: is required/],
      ['POST, no text', post({ mediaMs: 0 }), 400, 'invalid_input', 'text', /^text: is required/],
      ['POST, no body', api(suite.server.url, 'POST', commentsPath()), 400, 'invalid_input', 'mediaMs'],
      ['POST, empty text', post({ mediaMs: 0, text: '  \n ' }), 400, 'invalid_input', 'text', /text must not be empty/],
      ['POST, text not a string', post({ mediaMs: 0, text: 5 }), 400, 'invalid_input', 'text'],
      ['POST, negative mediaMs', post({ mediaMs: -1, text: 'x' }), 400, 'invalid_input', 'mediaMs'],
      ['POST, mediaMs over 24 h', post({ mediaMs: LIMITS.mediaMsMax + 1, text: 'x' }), 400, 'invalid_input', 'mediaMs'],
      ['POST, fractional mediaMs', post({ mediaMs: 1.5, text: 'x' }), 400, 'invalid_input', 'mediaMs'],
      ['POST, another field', post({ ...ok, id: 3 }), 400, 'invalid_input', 'id', /unknown field/],
      ['PUT, another field', put(mine.id, { ...ok, createdAt: 1 }), 400, 'invalid_input', 'createdAt', /unknown field/],
      ['PUT, no text', put(mine.id, { mediaMs: 1 }), 400, 'invalid_input', 'text'],
      ['POST, body an array', post([ok]), 400, 'invalid_input', 'body'],
      ['POST, a body not JSON', api(suite.server.url, 'POST', commentsPath(), undefined, '{"mediaMs":1,"text":"x"}'), 415, 'unsupported_media_type', 'content-type'],
      ['PUT, a body not JSON', api(suite.server.url, 'PUT', commentPath(mine.id), undefined, '{"mediaMs":1,"text":"x"}'), 415, 'unsupported_media_type', 'content-type'],
    ];
    await expectRefusals(cases);
    const max = LIMITS.commentMaxChars;
    expect(await post({ mediaMs: 0, text: 't'.repeat(max + 1) })).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', field: 'text', limit: max, actual: max + 1 } } });
    expect(await put(mine.id, { mediaMs: 0, text: 'x', author: 'a'.repeat(81) })).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', field: 'author', limit: 80, actual: 81 } } });
    // At the limits exactly: accepted (then removed again).
    const atMax = await post({ mediaMs: LIMITS.mediaMsMax, text: 't'.repeat(max), author: 'a'.repeat(80) });
    expect(atMax.status).toBe(201);
    expect((await del(atMax.body.comment.id)).body).toEqual({ removed: true });
    await quiet();
    watcher.items.length = 0;

    // Writes from another site's page are refused as every write is.
    const foreignOrigin = { origin: 'http://evil.example', 'content-type': 'application/json' };
    for (const [method, p] of [['POST', commentsPath()], ['PUT', commentPath(mine.id)], ['DELETE', commentPath(mine.id)]] as const) {
      const r = await rawRequest(suite.server, method, p, foreignOrigin, method === 'DELETE' ? undefined : '{"mediaMs":1,"text":"evil"}');
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body).error.code).toBe('forbidden_origin');
    }

    expect((await snapshot()).comments).toEqual(before.mine);
    expect((await snapshot(other)).comments).toEqual(before.theirs);
    await quiet();
    expect(watcher.items).toEqual([]);
    expect((await del(mine.id)).body).toEqual({ removed: true });
  });

  it(`refuses a session's ${LIMITS.commentsPerSessionMax + 1}th comment with 409 too_many_comments (limit), sending nothing; an edit still goes, a removal makes room`, async () => {
    const full = (await api(suite.server.url, 'POST', '/api/sessions', { title: 'full' })).body.session.id as string;
    for (let k = 0; k < LIMITS.commentsPerSessionMax; k += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => post({ mediaMs: k + j, text: `c${k + j}` }, full)));
      expect(batch.every((r) => r.status === 201)).toBe(true);
    }
    const watcher = collect((await suite.joined(full)).socket, 'commented');
    const refused = await post({ mediaMs: 0, text: 'one too many' }, full);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'too_many_comments', field: 'comments', limit: LIMITS.commentsPerSessionMax } } });
    await expect(listed(full)).resolves.toBe(LIMITS.commentsPerSessionMax);
    await quiet();
    expect(watcher.items).toEqual([]);
    const first = (await snapshot(full)).comments[0]!;
    expect((await put(first.id, { mediaMs: 9, text: 'edited at the limit' }, full)).status).toBe(200);
    expect((await del(first.id, full)).body).toEqual({ removed: true });
    expect((await post({ mediaMs: 0, text: 'fits again' }, full)).status).toBe(201);
  }, 30_000);

  it('the snapshot (GET and join) lists comments by mediaMs then id, the session list counts them, a role change keeps them', async () => {
    suite.clock += 1000;
    const late = (await post({ mediaMs: 121_000, text: '成交了：及时确认办理时间', author: '王教练' })).body.comment as Comment;
    const early = (await post({ mediaMs: 24_500, text: 'Good: the rep answered the liquidity worry first' })).body.comment as Comment;
    const tie = (await post({ mediaMs: 121_000, text: 'second note at the same moment' })).body.comment as Comment;
    const all = [early, late, tie];
    expect((await snapshot()).comments).toEqual(all);
    expect((await suite.joined(id)).snapshot.comments).toEqual(all);
    await expect(listed()).resolves.toBe(3);
    const roles = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [demo.participants[1]!.name]: 'rep' } });
    expect(roles.body.snapshot.comments).toEqual(all);
    const back = await api(suite.server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [demo.participants[1]!.name]: 'customer' } });
    expect(back.body.snapshot.comments).toEqual(all);
  });

  it('downloads the review as Markdown: the demo\'s turns, cues and the comments, in English and Chinese; ?lang is checked', async () => {
    const snap = await snapshot();
    expect(snap.cues.length).toBeGreaterThan(0);
    const en = await download(suite.server.url, `/api/sessions/${id}/review.md`);
    expect(en).toMatchObject({ status: 200, type: 'text/markdown; charset=utf-8' });
    // Named as the other exports are (the title's / and : are no file name's).
    expect(en.disposition).toBe(exportDisposition(demo.title, id, '-review.md'));
    expect(en.disposition).toContain(`filename*=UTF-8''${encodeURIComponent('演示：教育金理财方案面谈 _ Demo_ education-fund plan meeting-review.md')}`);
    expect(en.text).toContain('# Meeting review: ');
    for (const u of demo.utterances) expect(en.text).toContain(`**${formatMediaTime(u.startMs)}** · ${u.speaker} (`);
    expect(en.text).toContain('李女士 (Customer): 那么，这个需要多少钱？起投金额是多少？');
    for (const c of snap.cues) {
      const type = c.type === 'closing_moment' ? 'Closing moment' : 'Resistance';
      expect(en.text).toContain(`**${formatMediaTime(c.mediaMs)}** · **${type}**: ${c.title.en.replace(`${type}: `, '')} (score ${c.score.toFixed(2)})`);
      expect(en.text).toContain(c.tip.en);
    }
    expect(en.text).toContain('**Comment** by 王教练: 成交了：及时确认办理时间');
    expect(en.text).toContain(`- Comments: 3`);
    // The comment at 2:01 comes after the turn at 2:01.
    expect(en.text.indexOf('**2:01** · 李女士')).toBeLessThan(en.text.indexOf('**2:01** · **Comment**'));

    const zh = await download(suite.server.url, `/api/sessions/${id}/review.md?lang=zh`);
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('# 会谈复盘：');
    expect(zh.text).toContain('## 时间轴');
    expect(zh.text).toContain('李女士（客户）：那么，这个需要多少钱？起投金额是多少？');
    for (const c of snap.cues) expect(zh.text).toContain(c.tip.zh);
    expect(zh.text).toContain('**点评**（王教练）：成交了：及时确认办理时间');

    for (const [q, message] of [['?lang=fr', /must be "en" or "zh"/], ['?lang=en&lang=zh', /given once/], ['?lang=', /must be "en" or "zh"/]] as const) {
      const r = await api(suite.server.url, 'GET', `/api/sessions/${id}/review.md${q}`);
      expect(r).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', field: 'query.lang' } } });
      expect(r.body.error.message).toMatch(message);
    }
    expect(await api(suite.server.url, 'GET', '/api/sessions/nope/review.md?lang=fr')).toMatchObject({ status: 404, body: { error: { code: 'not_found', field: 'sessionId' } } });
    const empty = (await api(suite.server.url, 'POST', '/api/sessions', { title: '空' })).body.session.id as string;
    const none = await download(suite.server.url, `/api/sessions/${empty}/review.md`);
    expect(none.status).toBe(200);
    expect(none.disposition).toBe(`attachment; filename="${empty}-review.md"; filename*=UTF-8''${encodeURIComponent('空-review.md')}`);
    expect(none.text).toContain('_Nothing in this session yet._');
  });

  it('keeps the comments across a restart on the same file', async () => {
    const before = { comments: (await snapshot()).comments, review: (await download(suite.server.url, `/api/sessions/${id}/review.md`)).text };
    expect(before.comments).toHaveLength(3);
    await suite.restart();
    expect((await snapshot()).comments).toEqual(before.comments);
    await expect(listed()).resolves.toBe(3);
    expect((await download(suite.server.url, `/api/sessions/${id}/review.md`)).text).toBe(before.review);
  });
});
