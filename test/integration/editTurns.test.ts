// Coaches correcting the transcript on the real server (port 0, a real SQLite file, real socket.io,
// the real model): PATCH a turn's words or speaker, DELETE a turn, each re-analysing the session:
// the edited turn's signal and cue follow its words, the next turn's context follows too, a turn
// given to the rep loses its signal, a deleted turn takes its signal, cue and label with it; the
// first words are kept across edits and a restart; a live turn sent during the re-analysis is
// kept and analysed; every refusal stores nothing; an archive round trip keeps the edit history.
import type { SessionSnapshot, Utterance } from '../../protocol/protocol';
import { loadDemoMeeting } from '../../server/demo/demo';
import { api, collect, download, emitAck, expectRefusals, useFileStoreServer, type RefusalCase } from './harness';

const suite = useFileStoreServer('bs-edit-turns-', { seedDemo: true });
const url = () => suite.server.url;

/** A neutral question with a homophone (前 for 钱), and the question the customer asked. */
const MISHEARD = '这个方案多少前？';
const PRICE_QUESTION = '这个方案多少钱？';
/** A counter-offer: a discount request after a price, a bare agreement after small talk. */
const SMALL_TALK = 'The weather is nice today.';
const PRICE = 'The total is 2000 dollars per year.';
const COUNTER = '1950 then.';

const turnPath = (id: string, utteranceId: number | string) => `/api/sessions/${id}/utterances/${utteranceId}`;
const snapshot = async (id: string) => (await api(url(), 'GET', `/api/sessions/${id}`)).body as SessionSnapshot;
const signalOf = (s: SessionSnapshot, u: Utterance) => s.signals.find((g) => g.kind === 'verbal' && g.utteranceId === u.id);
const cuesOf = (s: SessionSnapshot, u: Utterance) => s.cues.filter((c) => c.evidence.some((e) => e.utteranceId === u.id));

/** A session of the turns given (Ada the rep, Li the customer), uploaded as a transcript; its id and snapshot. */
async function session(turns: { speaker: string; text: string; startMs: number }[], title = 'Edit turns'): Promise<{ id: string; snap: SessionSnapshot }> {
  const created = await api(url(), 'POST', '/api/sessions', { title, participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  const id = created.body.session.id as string;
  expect((await api(url(), 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: turns }))).status).toBe(201);
  return { id, snap: await snapshot(id) };
}

describe('editing a turn re-analyses the session', () => {
  it('words: a misheard price question becomes one (signal and closing-moment cue), and back again removes them; the room hears reanalysed', async () => {
    const { id, snap } = await session([
      { speaker: 'Ada', text: 'Let me show you the plan for your team.', startMs: 1000 },
      { speaker: 'Li', text: MISHEARD, startMs: 5000 },
    ]);
    const li = snap.utterances[1]!;
    expect(signalOf(snap, li)).toBeUndefined();
    expect(snap.cues).toEqual([]);
    const { socket } = await suite.joined(id);
    const heard = collect(socket, 'reanalysed');

    suite.clock += 1000;
    const edited = await api(url(), 'PATCH', turnPath(id, li.id), { text: `  ${PRICE_QUESTION} ` });
    expect(edited.status).toBe(200);
    const after = edited.body.snapshot as SessionSnapshot;
    const turn = after.utterances[1]!;
    expect(turn).toMatchObject({ id: li.id, text: PRICE_QUESTION, speaker: 'Li', role: 'customer', originalText: MISHEARD, originalSpeaker: 'Li', editedAt: suite.clock });
    expect(signalOf(after, turn)).toMatchObject({ label: 'price_inquiry', text: PRICE_QUESTION });
    expect(cuesOf(after, turn)).toEqual([expect.objectContaining({ type: 'closing_moment' })]);
    expect(await snapshot(id)).toEqual(after);
    expect(await heard.atLeast(1)).toEqual([{ sessionId: id }]);

    // Find searches the words said now, not the misheard ones.
    const found = async (q: string) => (await api(url(), 'GET', `/api/search?session=${id}&q=${encodeURIComponent(q)}`)).body.results as { utteranceId: number }[];
    expect((await found('多少钱')).map((r) => r.utteranceId)).toEqual([li.id]);
    expect(await found('多少前')).toEqual([]);

    // The transcript export gives the current words.
    const transcript = JSON.parse((await download(url(), `/api/sessions/${id}/transcript`)).text);
    expect(transcript.utterances[1]).toEqual({ speaker: 'Li', text: PRICE_QUESTION, startMs: 5000, endMs: 5000 });

    suite.clock += 1000;
    const back = (await api(url(), 'PATCH', turnPath(id, li.id), { text: MISHEARD })).body.snapshot as SessionSnapshot;
    expect(back.utterances[1]).toMatchObject({ text: MISHEARD, originalText: MISHEARD, originalSpeaker: 'Li', editedAt: suite.clock });
    expect(back.signals).toEqual([]);
    expect(back.cues).toEqual([]);
  });

  it("words: the next turn's context changes, and with it the next turn's signal (a counter-offer after a price)", async () => {
    const { id, snap } = await session([
      { speaker: 'Ada', text: SMALL_TALK, startMs: 1000 },
      { speaker: 'Li', text: COUNTER, startMs: 4000 },
    ]);
    const [ada, li] = snap.utterances as [Utterance, Utterance];
    expect(signalOf(snap, li)?.label).toBe('purchase_intent');
    const after = (await api(url(), 'PATCH', turnPath(id, ada.id), { text: PRICE })).body.snapshot as SessionSnapshot;
    expect(after.utterances[0]).toMatchObject({ text: PRICE, role: 'rep' });
    // The rep's turn gives no signal; the customer's next one now reads as a discount request.
    expect(signalOf(after, after.utterances[0]!)).toBeUndefined();
    expect(signalOf(after, after.utterances[1]!)?.label).toBe('discount_request');

    // Downstream reads the corrected words: the corrections export (its text and context, the
    // rows GET /api/quality measures) and the review report.
    expect((await api(url(), 'PUT', `${turnPath(id, li.id)}/correction`, { label: 'discount_request' })).status).toBe(200);
    const rows = (await download(url(), `/api/sessions/${id}/corrections`)).text.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual([expect.objectContaining({ text: COUNTER, context: PRICE, label: 'discount_request', model_label: 'discount_request' })]);
    const report = (await download(url(), `/api/sessions/${id}/review.md`)).text;
    // The turn's line gives the corrected words; the first ones only in its "edited" marker.
    expect(report).toContain(`Ada (Sales rep): ${PRICE}`);
    expect(report).not.toContain(`Ada (Sales rep): ${SMALL_TALK}`);
    expect(report).toContain(`Edited by a coach. Originally Ada: “${SMALL_TALK}”`);
  });

  it('speaker: a customer turn given to the rep loses its signal and cue (only customers give signals); a new name joins without a role', async () => {
    const { id, snap } = await session([
      { speaker: 'Ada', text: 'Let me show you the plan.', startMs: 1000 },
      { speaker: 'Li', text: PRICE_QUESTION, startMs: 5000 },
    ]);
    const li = snap.utterances[1]!;
    expect(signalOf(snap, li)?.label).toBe('price_inquiry');
    expect(snap.cues.length).toBe(1);
    const toRep = (await api(url(), 'PATCH', turnPath(id, li.id), { speaker: 'Ada' })).body.snapshot as SessionSnapshot;
    expect(toRep.utterances[1]).toMatchObject({ speaker: 'Ada', role: 'rep', text: PRICE_QUESTION, originalSpeaker: 'Li', originalText: PRICE_QUESTION });
    expect(toRep.signals).toEqual([]);
    expect(toRep.cues).toEqual([]);

    const { socket } = await suite.joined(id);
    const needed = collect(socket, 'roles_needed');
    const toNew = (await api(url(), 'PATCH', turnPath(id, li.id), { speaker: ' Wang\u200B  Wei ' })).body.snapshot as SessionSnapshot;
    expect(toNew.utterances[1]).toMatchObject({ speaker: 'Wang Wei', role: null, originalSpeaker: 'Li' });
    expect(toNew.session.participants).toContainEqual({ name: 'Wang Wei', role: null });
    expect(toNew.unassignedSpeakers).toEqual(['Wang Wei']);
    expect(await needed.atLeast(1)).toEqual([{ sessionId: id, speakers: ['Wang Wei'] }]);
  });

  it('an edit that changes nothing answers the snapshot and re-analyses nothing', async () => {
    const { id, snap } = await session([{ speaker: 'Li', text: PRICE_QUESTION, startMs: 5000 }]);
    const { socket } = await suite.joined(id);
    const heard = collect(socket, 'reanalysed');
    const same = await api(url(), 'PATCH', turnPath(id, snap.utterances[0]!.id), { text: PRICE_QUESTION, speaker: 'Li' });
    expect(same).toEqual({ status: 200, body: { snapshot: snap } });
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.items).toEqual([]);
  });
});

describe('deleting a turn', () => {
  it('removes the turn, its signal, its cue and its label; comments and verdicts stay; the lobby counts follow; the next turn takes the turn before as context', async () => {
    const { id, snap } = await session([
      { speaker: 'Ada', text: PRICE, startMs: 1000 },
      { speaker: 'Li', text: PRICE_QUESTION, startMs: 3000 },
      { speaker: 'Li', text: COUNTER, startMs: 6000 },
    ]);
    const li = snap.utterances[1]!;
    expect(cuesOf(snap, li).length).toBe(1);
    expect((await api(url(), 'PUT', `${turnPath(id, li.id)}/correction`, { label: 'price_inquiry' })).status).toBe(200);
    expect((await api(url(), 'PUT', `/api/sessions/${id}/cues/${cuesOf(snap, li)[0]!.id}/review`, { verdict: 'useful' })).status).toBe(200);
    expect((await api(url(), 'POST', `/api/sessions/${id}/comments`, { mediaMs: 3000, text: 'Answer the price, then ask' })).status).toBe(201);
    const lobby = await suite.joined(id);
    const counts = collect(lobby.socket, 'session_counts');
    await emitAck(lobby.socket, 'watch_sessions', {});

    const deleted = await api(url(), 'DELETE', turnPath(id, li.id));
    expect(deleted.status).toBe(200);
    const after = deleted.body.snapshot as SessionSnapshot;
    expect(after.utterances.map((u) => u.text)).toEqual([PRICE, COUNTER]);
    expect(after.signals.some((s) => s.kind === 'verbal' && s.utteranceId === li.id)).toBe(false);
    expect(after.cues.some((c) => c.evidence.some((e) => e.utteranceId === li.id))).toBe(false);
    expect(after.corrections).toEqual([]);
    expect(after.comments.map((c) => c.text)).toEqual(['Answer the price, then ask']);
    // The verdict is kept on its moment; its cue is no longer emitted.
    expect(after.cueReviews).toEqual([expect.objectContaining({ verdict: 'useful', mediaMs: 3000, cueId: null })]);
    // The counter-offer's context is now the price.
    expect(signalOf(after, after.utterances[1]!)?.label).toBe('discount_request');
    expect(await snapshot(id)).toEqual(after);
    const last = (await counts.atLeast(1)).at(-1);
    expect(last).toMatchObject({ sessionId: id, utteranceCount: 2, correctionCount: 0 });

    expect(await api(url(), 'DELETE', turnPath(id, li.id))).toMatchObject({ status: 404, body: { error: { code: 'not_found', field: 'utteranceId' } } });
  });
});

describe('edit history, a restart, refusals, live turns and archives', () => {
  it('keeps the first words and speaker across two edits and a restart', async () => {
    const { id, snap } = await session([{ speaker: 'Li', text: MISHEARD, startMs: 5000 }]);
    const u = snap.utterances[0]!;
    suite.clock += 1000;
    await api(url(), 'PATCH', turnPath(id, u.id), { text: '这个方案多少钱' });
    suite.clock += 1000;
    const second = (await api(url(), 'PATCH', turnPath(id, u.id), { text: PRICE_QUESTION, speaker: 'Mo' })).body.snapshot as SessionSnapshot;
    const expected = { text: PRICE_QUESTION, speaker: 'Mo', originalText: MISHEARD, originalSpeaker: 'Li', editedAt: suite.clock };
    expect(second.utterances[0]).toMatchObject(expected);
    await suite.restart();
    const reread = await snapshot(id);
    expect(reread).toEqual(second);
    expect(reread.utterances[0]).toMatchObject(expected);
  });

  it('refuses, storing nothing: bad text or speaker (naming the field and limit), nothing to change, unknown session or turn, the demo session', async () => {
    const { id, snap } = await session([{ speaker: 'Li', text: PRICE_QUESTION, startMs: 5000 }]);
    const other = await session([{ speaker: 'Li', text: 'Hello', startMs: 1000 }]);
    const u = snap.utterances[0]!;
    const demo = suite.server.service.listSessions().find((s) => s.demo)!;
    expect(demo).toBeDefined();
    const cases: RefusalCase[] = [
      ['text too long', api(url(), 'PATCH', turnPath(id, u.id), { text: 'x'.repeat(2001) }), 400, 'invalid_input', 'text', /2000/],
      ['text blank', api(url(), 'PATCH', turnPath(id, u.id), { text: ' \u200B ' }), 400, 'invalid_input', 'text', /empty/],
      ['speaker too long', api(url(), 'PATCH', turnPath(id, u.id), { speaker: 'y'.repeat(81) }), 400, 'invalid_input', 'speaker', /80/],
      ['speaker blank', api(url(), 'PATCH', turnPath(id, u.id), { speaker: '\u200B' }), 400, 'invalid_input', 'speaker', /empty/],
      ['nothing given', api(url(), 'PATCH', turnPath(id, u.id), {}), 400, 'invalid_input', 'text', /text, speaker or both/],
      ['unknown key', api(url(), 'PATCH', turnPath(id, u.id), { text: 'a', startMs: 5 }), 400, 'invalid_input', 'startMs'],
      ['unknown session', api(url(), 'PATCH', turnPath('nope', u.id), { text: 'a' }), 404, 'not_found', 'sessionId'],
      ['another session\'s turn', api(url(), 'PATCH', turnPath(id, other.snap.utterances[0]!.id), { text: 'a' }), 404, 'not_found', 'utteranceId'],
      ['bad turn id', api(url(), 'DELETE', turnPath(id, 'x')), 400, 'invalid_input', 'utteranceId'],
      ['body null', api(url(), 'PATCH', turnPath(id, u.id), null), 400, 'invalid_input', 'body'],
      ['body an array', api(url(), 'PATCH', turnPath(id, u.id), [1]), 400, 'invalid_input', 'body'],
      ['text a number', api(url(), 'PATCH', turnPath(id, u.id), { text: 5 }), 400, 'invalid_input', 'text'],
      ['speaker null', api(url(), 'PATCH', turnPath(id, u.id), { speaker: null }), 400, 'invalid_input', 'speaker'],
      ['unknown turn', api(url(), 'DELETE', turnPath(id, 99_999_999)), 404, 'not_found', 'utteranceId'],
    ];
    const demoBefore = await snapshot(demo.id);
    const demoTurn = demoBefore.utterances[0]!;
    cases.push(['demo edit', api(url(), 'PATCH', turnPath(demo.id, demoTurn.id), { text: 'a' }), 409, 'demo_session', 'sessionId', /edited or deleted/]);
    cases.push(['demo delete', api(url(), 'DELETE', turnPath(demo.id, demoTurn.id)), 409, 'demo_session', 'sessionId']);
    await expectRefusals(cases);
    expect(await snapshot(id)).toEqual(snap);
    expect((await snapshot(other.id)).utterances).toEqual(other.snap.utterances);
    expect(await snapshot(demo.id)).toEqual(demoBefore);
  });

  it('refuses a new speaker past the participant limit, naming speaker and the limit', async () => {
    const { id, snap } = await session([{ speaker: 'Li', text: PRICE_QUESTION, startMs: 5000 }]);
    const roles = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`P${i}`, 'rep']));
    expect((await api(url(), 'PUT', `/api/sessions/${id}/roles`, { roles })).status).toBe(200);
    const before = await snapshot(id);
    await expectRefusals([['51st', api(url(), 'PATCH', turnPath(id, snap.utterances[0]!.id), { speaker: 'Newcomer' }), 400, 'invalid_input', 'speaker', /50/]]);
    expect(await snapshot(id)).toEqual(before);
  });

  it('a live turn sent while the re-analysis runs is kept and analysed with the corrected context', async () => {
    const track = loadDemoMeeting().posture!;
    const { service } = suite.server;
    const { id, snap } = await session([
      { speaker: 'Ada', text: SMALL_TALK, startMs: 1000 },
    ]);
    // Frames of the customer make the re-analysis run over many slices.
    await api(url(), 'PUT', `/api/sessions/${id}/roles`, { roles: { [track.participant]: 'customer' } });
    for (let lap = 0; lap < 2; lap++) {
      for (let i = 0; i < track.frames.length; i += 32) {
        service.addLandmarksBatch(id, track.frames.slice(i, i + 32).map((f) => ({ participant: track.participant, mediaMs: lap * 1_000_000 + f.mediaMs, poses: f.poses, aspect: track.aspect })), 'browser');
      }
    }
    const edit = api(url(), 'PATCH', turnPath(id, snap.utterances[0]!.id), { text: PRICE });
    while (!service.reanalysing(id)) await new Promise((r) => setImmediate(r));
    const { socket } = await suite.joined(id);
    const ack = await emitAck(socket, 'utterance', { sessionId: id, utterance: { speaker: 'Li', text: COUNTER, startMs: 2_500_000 } });
    expect(ack.ok).toBe(true);
    expect(service.reanalysing(id)).toBe(true);
    const after = (await edit).body.snapshot as SessionSnapshot;
    const live = after.utterances.find((u) => u.text === COUNTER)!;
    expect(live).toBeDefined();
    // Analysed with the corrected words before it as context: a discount request.
    expect(signalOf(after, live)?.label).toBe('discount_request');
    expect(await snapshot(id)).toEqual(after);
  }, 60_000);

  it('an archive round trip keeps the edit history', async () => {
    const { id, snap } = await session([
      { speaker: 'Ada', text: 'Let me show you the plan.', startMs: 1000 },
      { speaker: 'Li', text: MISHEARD, startMs: 5000 },
    ]);
    suite.clock += 1000;
    await api(url(), 'PATCH', turnPath(id, snap.utterances[1]!.id), { text: PRICE_QUESTION });
    const archive = JSON.parse((await download(url(), `/api/sessions/${id}/archive`)).text);
    expect(archive.version).toBe(1);
    expect(archive.utterances[0]).not.toHaveProperty('originalText');
    expect(archive.utterances[1]).toMatchObject({ text: PRICE_QUESTION, originalText: MISHEARD, originalSpeaker: 'Li', editedAt: suite.clock });
    const imported = await api(url(), 'POST', '/api/archives', archive);
    expect(imported.status).toBe(201);
    const copy = await snapshot(imported.body.session.id);
    expect(copy.utterances.map(({ id: _i, sessionId: _s, ...u }) => u)).toEqual((await snapshot(id)).utterances.map(({ id: _i, sessionId: _s, ...u }) => u));
    // Half an edit history is refused by name.
    const { editedAt: _e, ...half } = archive.utterances[1];
    const bad = await api(url(), 'POST', '/api/archives', { ...archive, utterances: [archive.utterances[0], half] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toMatch(/^utterances\.1\.editedAt/);
  });
});

describe("a live turn's clientTurnId after a coach corrected or deleted the turn", () => {
  /** A session with one live turn typed under a clientTurnId (a manager's composer); the socket, the turn sent, the stored one. */
  async function typed() {
    const { id } = await session([{ speaker: 'Ada', text: SMALL_TALK, startMs: 1000 }]);
    const { socket } = await suite.joined(id);
    const utterance = { speaker: 'Li', text: MISHEARD, startMs: 5000, endMs: 6000, clientTurnId: 'pabc:1' };
    const ack = await emitAck(socket, 'utterance', { sessionId: id, utterance });
    expect(ack.ok).toBe(true);
    return { id, socket, utterance, stored: ack.utterance as Utterance };
  }

  it('a resend of an edited turn (its ack lost) is the same turn: a duplicate, not a conflict, and nothing is stored again', async () => {
    const { id, socket, utterance, stored } = await typed();
    expect((await api(url(), 'PATCH', turnPath(id, stored.id), { text: PRICE_QUESTION, speaker: 'Mo' })).status).toBe(200);
    const before = await snapshot(id);
    const again = await emitAck(socket, 'utterance', { sessionId: id, utterance });
    expect(again).toMatchObject({ ok: true, duplicate: true, utterance: { id: stored.id, seq: stored.seq, text: PRICE_QUESTION, speaker: 'Mo' } });
    expect(await snapshot(id)).toEqual(before);
  });

  it('a resend of a deleted turn does not bring it back: refused by name, nothing stored, also after a restart', async () => {
    const { id, socket, utterance, stored } = await typed();
    expect((await api(url(), 'DELETE', turnPath(id, stored.id))).status).toBe(200);
    const before = await snapshot(id);
    const again = await emitAck(socket, 'utterance', { sessionId: id, utterance });
    expect(again).toMatchObject({ ok: false, error: { code: 'client_turn_id_conflict', field: 'utterance.clientTurnId' } });
    expect(again.error.message).toMatch(/deleted/);
    expect(await snapshot(id)).toEqual(before);
    await suite.restart();
    const { socket: later } = await suite.joined(id);
    expect(await emitAck(later, 'utterance', { sessionId: id, utterance })).toMatchObject({ ok: false, error: { code: 'client_turn_id_conflict' } });
    expect(await snapshot(id)).toEqual(before);
  });

  it("the last turn deleted, its number is not given again, also after a restart", async () => {
    const { id, snap } = await session([
      { speaker: 'Ada', text: SMALL_TALK, startMs: 1000 },
      { speaker: 'Li', text: MISHEARD, startMs: 5000 },
    ]);
    const last = snap.utterances[1]!;
    expect((await api(url(), 'DELETE', turnPath(id, last.id))).status).toBe(200);
    await suite.restart();
    const { socket } = await suite.joined(id);
    const ack = await emitAck(socket, 'utterance', { sessionId: id, utterance: { speaker: 'Li', text: COUNTER, startMs: 9000 } });
    expect(ack.ok).toBe(true);
    expect(ack.utterance.seq).toBe(last.seq + 1);
  });
});

describe('Find after a speaker change and a deletion', () => {
  it('finds the turn under its new speaker and role, and a deleted turn no more', async () => {
    const { id, snap } = await session([
      { speaker: 'Ada', text: 'Let me show you the plan.', startMs: 1000 },
      { speaker: 'Li', text: 'Send me the contract tomorrow.', startMs: 5000 },
      { speaker: 'Li', text: 'Another contract question.', startMs: 9000 },
    ]);
    const find = async (q: string) => (await api(url(), 'GET', `/api/search?session=${id}&${q}`)).body.results as { utteranceId: number; speaker: string; role: string | null }[];
    const [, sent, other] = snap.utterances as [Utterance, Utterance, Utterance];
    expect((await find('q=contract&role=customer')).map((r) => r.utteranceId)).toEqual([sent.id, other.id]);
    expect((await api(url(), 'PATCH', turnPath(id, sent.id), { speaker: 'Ada' })).status).toBe(200);
    expect((await find('q=contract&role=customer')).map((r) => r.utteranceId)).toEqual([other.id]);
    expect(await find('q=contract&role=rep')).toEqual([expect.objectContaining({ utteranceId: sent.id, speaker: 'Ada', role: 'rep' })]);
    expect((await api(url(), 'DELETE', turnPath(id, other.id))).status).toBe(200);
    expect((await find('q=contract')).map((r) => r.utteranceId)).toEqual([sent.id]);
    expect(await find('q=another')).toEqual([]);
  });
});

describe('corrections racing each other', () => {
  it('edits and a deletion of one turn, and the deletion of its session, sent at once: each answered 200 or 404 in the order run, nothing half done', async () => {
    const { id, snap } = await session([
      { speaker: 'Ada', text: SMALL_TALK, startMs: 1000 },
      { speaker: 'Li', text: MISHEARD, startMs: 5000 },
    ]);
    const u = snap.utterances[1]!;
    const answers = await Promise.all([
      api(url(), 'PATCH', turnPath(id, u.id), { text: PRICE_QUESTION }),
      api(url(), 'PATCH', turnPath(id, u.id), { speaker: 'Mo' }),
      api(url(), 'DELETE', turnPath(id, u.id)),
      api(url(), 'PATCH', turnPath(id, u.id), { text: 'too late' }),
    ]);
    expect(answers[2].status).toBe(200);
    for (const a of answers) {
      if (a.status === 404) expect(a.body.error).toMatchObject({ code: 'not_found', field: 'utteranceId' });
      else expect(a.status).toBe(200);
    }
    // An edit that ran answered the turn with its correction, the first words kept.
    for (const a of [answers[0], answers[1]].filter((x) => x.status === 200)) {
      expect((a.body.snapshot as SessionSnapshot).utterances[1]).toMatchObject({ id: u.id, originalText: MISHEARD, originalSpeaker: 'Li' });
    }
    expect((await snapshot(id)).utterances.map((x) => x.id)).toEqual([snap.utterances[0]!.id]);

    const other = await session([{ speaker: 'Li', text: MISHEARD, startMs: 5000 }]);
    const turnId = other.snap.utterances[0]!.id;
    const [edit, gone] = await Promise.all([
      api(url(), 'PATCH', turnPath(other.id, turnId), { text: PRICE_QUESTION }),
      api(url(), 'DELETE', `/api/sessions/${other.id}`),
    ]);
    expect(gone.status).toBe(200);
    if (edit.status !== 200) expect(edit).toMatchObject({ status: 404, body: { error: { code: 'not_found', field: 'sessionId' } } });
    expect((await api(url(), 'GET', `/api/sessions/${other.id}`)).status).toBe(404);
    expect(await api(url(), 'PATCH', turnPath(other.id, turnId), { text: 'after' })).toMatchObject({ status: 404, body: { error: { field: 'sessionId' } } });
  });
});
