// Session archives on the real server (port 0, a real SQLite file, the real models): a reviewed
// session (the demo meeting's turns uploaded, a live turn with a clientTurnId, the demo's posture
// track as landmark frames with a person box, its signals and cues, a correction, a cue verdict,
// a posture label and an edited comment) is archived (GET …/archive), imported (POST
// /api/archives) as a new session and compared with the original field by field, ids apart:
// the archives, the snapshots, the list's counts, the review reports and the landmarks. Then each
// refusal, every one storing nothing.
import { ARCHIVE_FORMAT, ARCHIVE_LIMITS, ARCHIVE_VERSION, type Archive } from '../../server/ingest/archive';
import { exportDisposition } from '../../server/ingest/export';
import { loadDemoMeeting } from '../../server/demo/demo';
import type { SessionSnapshot } from '../../protocol/protocol';
import { api, collect, download, emitAck, expectRefusals, useFileStoreServer, type RefusalCase } from './harness';

const demo = loadDemoMeeting();
const track = demo.posture!;
const CUSTOMER = track.participant;
const suite = useFileStoreServer('bs-archive-');
const url = () => suite.server.url;

/** Builds the reviewed session; its id. */
async function reviewedSession(): Promise<string> {
  const { service } = suite.server;
  const created = await api(url(), 'POST', '/api/sessions', { title: 'Archive: 李女士 / review', participants: demo.participants.filter((p) => p.role !== null) });
  const id = created.body.session.id as string;
  const doc = { participants: demo.participants, utterances: demo.utterances };
  expect((await api(url(), 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify(doc))).status).toBe(201);
  suite.clock += 1000;
  service.addUtterance(id, { speaker: CUSTOMER, text: 'So how much is it per month, all told?', startMs: 141_000, endMs: 143_000, clientTurnId: 'live-1' });
  const frames = track.frames.map((f, i) => ({ participant: CUSTOMER, mediaMs: f.mediaMs, poses: f.poses, aspect: track.aspect, ...(i === 10 ? { person: { xMin: 0.1, yMin: 0.1, width: 0.6, height: 0.8 } } : {}) }));
  for (let i = 0; i < frames.length; i += 32) service.addLandmarksBatch(id, frames.slice(i, i + 32), 'browser');
  const snap = (await api(url(), 'GET', `/api/sessions/${id}`)).body as SessionSnapshot;
  const customerTurn = snap.utterances.find((u) => u.role === 'customer')!;
  suite.clock += 1000;
  expect((await api(url(), 'PUT', `/api/sessions/${id}/utterances/${customerTurn.id}/correction`, { label: 'neutral', note: 'just chatting' })).status).toBe(200);
  expect(snap.cues.length).toBeGreaterThan(0);
  suite.clock += 1000;
  expect((await api(url(), 'PUT', `/api/sessions/${id}/cues/${snap.cues[0]!.id}/review`, { verdict: 'useful', note: 'good timing' })).status).toBe(200);
  suite.clock += 1000;
  expect((await api(url(), 'PUT', `/api/sessions/${id}/posture-labels`, { participant: CUSTOMER, mediaMs: 64_200, labels: ['arms_crossed', 'leaning_back'], note: 'closed' })).status).toBe(200);
  suite.clock += 1000;
  const comment = await api(url(), 'POST', `/api/sessions/${id}/comments`, { mediaMs: 30_000, text: 'Ask for the deal here', author: 'Coach Lin' });
  await api(url(), 'POST', `/api/sessions/${id}/comments`, { mediaMs: 5_000, text: 'Good opening' });
  suite.clock += 1000;
  expect((await api(url(), 'PUT', `/api/sessions/${id}/comments/${comment.body.comment.id}`, { mediaMs: 31_000, text: 'Ask for the deal here!', author: 'Coach Lin' })).status).toBe(200);
  return id;
}

/** Each id of the archive's rows as its place in its list, and every reference so: what two archives of one session share. */
function placed(a: Archive): unknown {
  const at = <T extends { id: number }>(xs: readonly T[]) => new Map(xs.map((x, i) => [x.id, i] as const));
  const [u, f, s, c] = [at(a.utterances), at(a.frames), at(a.signals), at(a.cues)];
  const p = (m: Map<number, number>, id: number | null) => (id === null ? null : `#${m.get(id)}`);
  return {
    ...a, exportedAt: 0, session: { ...a.session, id: '' },
    utterances: a.utterances.map((x) => ({ ...x, id: p(u, x.id) })),
    frames: a.frames.map((x) => ({ ...x, id: p(f, x.id) })),
    signals: a.signals.map((x) => ({ ...x, id: p(s, x.id), utteranceId: p(u, x.utteranceId), frameId: p(f, x.frameId) })),
    cues: a.cues.map((x) => ({ ...x, id: p(c, x.id), evidence: x.evidence.map((e) => ({ ...e, signalId: p(s, e.signalId), utteranceId: p(u, e.utteranceId), frameId: p(f, e.frameId) })) })),
    corrections: a.corrections.map((x) => ({ ...x, utteranceId: p(u, x.utteranceId) })),
    cueReviews: a.cueReviews.map((x) => ({ ...x, cueId: p(c, x.cueId) })),
    postureLabels: a.postureLabels.map((x) => ({ ...x, frameId: p(f, x.frameId) })),
    comments: a.comments.map((x, i) => ({ ...x, id: i })),
  };
}

/** The snapshot with its ids as places (by the session's own archive), so two sessions' compare. */
function placedSnapshot(snap: SessionSnapshot, a: Archive): unknown {
  const at = <T extends { id: number }>(xs: readonly T[]) => new Map(xs.map((x, i) => [x.id, `#${i}`] as const));
  const [u, f, s, c, m] = [at(a.utterances), at(a.frames), at(a.signals), at(a.cues), at(a.comments)];
  const p = (map: Map<number, string>, id: number | null) => (id === null ? null : map.get(id));
  return {
    ...snap,
    session: { ...snap.session, id: '' },
    utterances: snap.utterances.map((x) => ({ ...x, sessionId: '', id: p(u, x.id) })),
    signals: snap.signals.map((x) => (x.kind === 'verbal'
      ? { ...x, sessionId: '', id: p(s, x.id), utteranceId: p(u, x.utteranceId) }
      : { ...x, sessionId: '', id: p(s, x.id), frameId: p(f, x.frameId) })),
    cues: snap.cues.map((x) => ({ ...x, sessionId: '', id: p(c, x.id), evidence: x.evidence.map((e) => ({ ...e, signalId: p(s, e.signalId), utteranceId: p(u, e.utteranceId), frameId: p(f, e.frameId) })) })),
    corrections: snap.corrections.map((x) => ({ ...x, sessionId: '', utteranceId: p(u, x.utteranceId) })),
    cueReviews: snap.cueReviews.map((x) => ({ ...x, sessionId: '', cueId: p(c, x.cueId) })),
    postureLabels: snap.postureLabels.map((x) => ({ ...x, sessionId: '', frameId: p(f, x.frameId) })),
    comments: snap.comments.map((x) => ({ ...x, sessionId: '', id: p(m, x.id) })),
  };
}

const archiveOf = async (id: string) => {
  const d = await download(url(), `/api/sessions/${id}/archive`);
  expect(d.status).toBe(200);
  return { ...d, archive: JSON.parse(d.text) as Archive };
};
const importArchive = (body: string | Buffer) => api(url(), 'POST', '/api/archives', undefined, body);
/** A socket following the session list: the `session_listed` it hears. */
const watching = async () => {
  const { socket } = await suite.joined((await api(url(), 'GET', '/api/sessions')).body.sessions[0].id);
  const heard = collect(socket, 'session_listed');
  expect((await emitAck(socket, 'watch_sessions', {})).ok).toBe(true);
  return heard;
};
const sessionIds = async () => ((await api(url(), 'GET', '/api/sessions')).body.sessions as { id: string }[]).map((s) => s.id).sort();

describe('session archives', () => {
  let original = '';
  let exported: Archive;
  let text = '';
  beforeAll(async () => {
    original = await reviewedSession();
    const got = await archiveOf(original);
    expect(got.disposition).toBe(exportDisposition('Archive: 李女士 / review', original, '.bsarchive.json'));
    expect(got.type).toMatch(/^application\/json/);
    exported = got.archive;
    text = got.text;
  });

  it('holds everything the session holds: turns (with the clientTurnId), frames (with the person box), signals, cues, the correction, the verdict, the label and the comments', () => {
    expect(exported).toMatchObject({ format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, exportedAt: suite.clock, session: { id: original, title: 'Archive: 李女士 / review' } });
    expect(exported.utterances).toHaveLength(demo.utterances.length + 1);
    expect(exported.utterances.at(-1)).toMatchObject({ clientTurnId: 'live-1', speaker: CUSTOMER });
    expect(exported.frames).toHaveLength(track.frames.length);
    expect(exported.frames.filter((f) => f.person !== undefined)).toHaveLength(1);
    expect(new Set(exported.signals.map((s) => s.kind))).toEqual(new Set(['verbal', 'posture']));
    expect(exported.cues.length).toBeGreaterThan(0);
    expect(exported.corrections).toEqual([expect.objectContaining({ label: 'neutral', note: 'just chatting' })]);
    expect(exported.cueReviews).toEqual([expect.objectContaining({ cueId: exported.cues[0]!.id, verdict: 'useful' })]);
    expect(exported.postureLabels).toEqual([expect.objectContaining({ labels: ['arms_crossed', 'leaning_back'], note: 'closed' })]);
    expect(exported.comments.map((c) => [c.text, c.editedAt !== null])).toEqual([['Ask for the deal here!', true], ['Good opening', false]]);
  });

  it('imports as a new session that is the same, ids apart: archive, snapshot, list counts, review reports (both languages), landmarks; the lobby hears it', async () => {
    const lobby = await watching();
    suite.clock += 60_000;
    const r = await importArchive(text);
    expect(r.status).toBe(201);
    const copy = r.body.session.id as string;
    expect(copy).not.toBe(original);
    expect(r.body.session).toMatchObject({ title: exported.session.title, createdAt: exported.session.createdAt, utteranceCount: exported.utterances.length, cueCount: exported.cues.length });
    expect((await lobby.atLeast(1)).map((e) => e.session.id)).toContain(copy);

    const again = (await archiveOf(copy)).archive;
    expect(again.session.id).toBe(copy);
    expect(placed(again)).toEqual(placed(exported));

    const [a, b] = await Promise.all([original, copy].map(async (id) => (await api(url(), 'GET', `/api/sessions/${id}`)).body as SessionSnapshot));
    expect(placedSnapshot(b!, again)).toEqual(placedSnapshot(a!, exported));
    // The verdict is on the imported cue at its moment.
    expect(b!.cueReviews[0]!.cueId).toBe(b!.cues.find((c) => c.type === b!.cueReviews[0]!.cueType && c.mediaMs === b!.cueReviews[0]!.mediaMs)!.id);

    const listed = ((await api(url(), 'GET', '/api/sessions')).body.sessions as { id: string }[]);
    const counts = (id: string) => {
      const { id: _id, ...rest } = listed.find((s) => s.id === id)!;
      return rest;
    };
    expect(counts(copy)).toEqual(counts(original));

    for (const lang of ['en', 'zh']) {
      const [ra, rb] = await Promise.all([original, copy].map((id) => download(url(), `/api/sessions/${id}/review.md?lang=${lang}`)));
      expect(rb!.status).toBe(200);
      expect(rb!.text.split(copy).join('ID')).toBe(ra!.text.split(original).join('ID'));
    }
    const frames = async (id: string) => ((await api(url(), 'GET', `/api/sessions/${id}/landmarks?limit=1000`)).body.frames as { frameId: number }[]).map(({ frameId: _f, ...f }) => f);
    expect(await frames(copy)).toEqual(await frames(original));
  });

  it('a re-analysis of the imported session keeps its verdicts, on the cues made again at their moments', async () => {
    const copy = (await importArchive(text)).body.session.id as string;
    const r = await api(url(), 'POST', `/api/sessions/${copy}/reanalyse`, {});
    expect(r.status).toBe(200);
    const snap = r.body.snapshot as SessionSnapshot;
    expect(snap.cueReviews).toHaveLength(1);
    expect(snap.comments).toHaveLength(2);
    expect(snap.postureLabels).toHaveLength(1);
    expect(snap.corrections).toHaveLength(1);
    const review = snap.cueReviews[0]!;
    const at = snap.cues.find((c) => c.type === review.cueType && c.mediaMs === review.mediaMs);
    expect(review.cueId).toBe(at ? at.id : null);
  });

  describe('refusals store nothing', () => {
    const edited = (edit: (a: any) => void) => {
      const a = JSON.parse(text);
      edit(a);
      return JSON.stringify(a);
    };

    it('refuses malformed JSON, another format, a newer version, a dangling reference, a field over its limit and an empty body, naming the field', async () => {
      const before = await sessionIds();
      const lobby = await watching();
      const verbalCue = (JSON.parse(text) as Archive).cues.findIndex((c) => c.evidence.some((e) => e.utteranceId !== null));
      expect(verbalCue).toBeGreaterThanOrEqual(0);
      const evidence = (JSON.parse(text) as Archive).cues[verbalCue]!.evidence.findIndex((e) => e.utteranceId !== null);
      const cases: RefusalCase[] = [
        ['malformed JSON', importArchive('{\n  "format": "buying-signals-archive",\n  "version": 1,\n}'), 400, 'bad_json', undefined as never, /line 4/],
        ['empty body', importArchive(''), 400, 'empty', undefined as never],
        ['a transcript, not an archive', importArchive(JSON.stringify({ participants: [], utterances: [] })), 400, 'invalid_input', 'format', /must be "buying-signals-archive"/],
        ['a newer version', importArchive(edited((a) => (a.version = 2))), 400, 'invalid_input', 'version', /version 2.*newer.*up to 1/],
        ['a dangling utterance in evidence', importArchive(edited((a) => (a.cues[verbalCue].evidence[evidence].utteranceId = 999_999))), 400, 'invalid_input', `cues.${verbalCue}.evidence.${evidence}.utteranceId`, /no utterance of the archive has id 999999/],
        ['a verdict on no cue', importArchive(edited((a) => (a.cueReviews[0].cueId = 999_999))), 400, 'invalid_input', 'cueReviews.0.cueId', /no cue/],
        ['a label on no frame', importArchive(edited((a) => (a.postureLabels[0].frameId = 999_999))), 400, 'invalid_input', 'postureLabels.0.frameId', /no frame/],
        ['a correction of no turn', importArchive(edited((a) => (a.corrections[0].utteranceId = 999_999))), 400, 'invalid_input', 'corrections.0.utteranceId', /no utterance/],
        ['a speaker not a participant', importArchive(edited((a) => (a.utterances[3].speaker = 'Nobody'))), 400, 'invalid_input', 'utterances.3.speaker', /not one of the archive's participants/],
        ['an unknown field', importArchive(edited((a) => (a.frames[2].extra = 1))), 400, 'invalid_input', 'frames.2.extra', /unknown field/],
      ];
      await expectRefusals(cases.map(([what, answer, status, code, field, message]) => [what, answer, status, code, field, message] as RefusalCase).filter((c) => c[4] !== undefined));
      for (const [what, answer, status, code, , message] of cases.filter((c) => c[4] === undefined)) {
        const r = await answer;
        expect([what, r.status, r.body.error.code]).toEqual([what, status, code]);
        if (message) expect(r.body.error.message).toMatch(message);
      }
      const long = await importArchive(edited((a) => (a.utterances[0].text = 'x'.repeat(2001))));
      expect(long.status).toBe(400);
      expect(long.body.error).toMatchObject({ code: 'invalid_input', field: 'utterances.0.text', limit: 2000, actual: 2001 });
      expect(await sessionIds()).toEqual(before);
      await new Promise((r) => setTimeout(r, 100));
      expect(lobby.items).toEqual([]);
    });

    it('a transcript upload refuses an archive, naming format, rather than storing its turns and dropping its labels, verdicts and comments (UTF-8 or UTF-16)', async () => {
      const before = await sessionIds();
      const target = (await api(url(), 'POST', '/api/sessions', { title: 'Target' })).body.session.id as string;
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      for (const [path, body] of [['/api/transcripts?filename=backup.json', text], ['/api/transcripts?format=json', utf16], [`/api/sessions/${target}/transcript`, text]] as const) {
        const r = await api(url(), 'POST', path, undefined, body);
        expect([path, r.status, r.body.error?.code, r.body.error?.field]).toEqual([path, 400, 'invalid_field', 'format']);
        expect(r.body.error.message).toMatch(/^format: this file is a session archive \(a Full backup\), not a transcript; restore it with POST \/api\/archives/);
      }
      expect((await api(url(), 'GET', `/api/sessions/${target}`)).body.utterances).toEqual([]);
      expect(await sessionIds()).toEqual([...before, target].sort());
      // The UTF-16 one restores as an archive.
      expect((await importArchive(utf16)).status).toBe(201);
    });

    it('refuses a body over the limit with 413 naming the limit', async () => {
      const before = await sessionIds();
      const res = await fetch(`${url()}/api/archives`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(ARCHIVE_LIMITS.maxBytes + 1).fill(0x20) });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'too_large', field: 'body', limit: ARCHIVE_LIMITS.maxBytes });
      expect(await sessionIds()).toEqual(before);
    });

    it('refuses a turn number no live turn can follow (seq near 2^53: every later turn failed), naming the limit; at the limit the next live turn is stored', async () => {
      const before = await sessionIds();
      const last = (JSON.parse(text) as Archive).utterances.length - 1;
      const r = await importArchive(edited((a) => (a.utterances[last].seq = Number.MAX_SAFE_INTEGER)));
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'invalid_input', field: `utterances.${last}.seq`, limit: ARCHIVE_LIMITS.seqMax, actual: Number.MAX_SAFE_INTEGER });
      expect(r.body.error.message).toBe(`utterances.${last}.seq: must be <= 1,000,000,000`);
      expect(await sessionIds()).toEqual(before);
      const atLimit = await importArchive(edited((a) => (a.utterances[last].seq = ARCHIVE_LIMITS.seqMax)));
      expect(atLimit.status).toBe(201);
      const id = atLimit.body.session.id as string;
      const { participants } = atLimit.body.session as { participants: { name: string }[] };
      for (const words of ['One more thing.', 'And another.']) suite.server.service.addUtterance(id, { speaker: participants[0]!.name, text: words, startMs: 200_000, endMs: 201_000 });
      const turns = (await api(url(), 'GET', `/api/sessions/${id}`)).body.utterances as { seq: number }[];
      expect(turns.slice(-2).map((u) => u.seq)).toEqual([ARCHIVE_LIMITS.seqMax + 1, ARCHIVE_LIMITS.seqMax + 2]);
    });

    it('an unknown session has no archive (404)', async () => {
      expect((await download(url(), '/api/sessions/nope/archive')).status).toBe(404);
    });
  });
});
