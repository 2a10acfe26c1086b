import { SESSION_TABLES, SqliteStore } from '../store/sqliteStore';
import { ValidationError } from '../errors/errors';
import { EventEmitter } from 'node:events';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, archiveDocument, parseArchive, storedParts, type Archive } from './archive';
import { checkArchiveAside } from './archiveCheck';
import { archiveText } from './archiveText';
import { readArchiveRows } from '../store/archiveRows';
import { SLICE_CHARS, sendPieces, type PieceSink } from '../http/sendPieces';
import { AppError } from '../errors/errors';

const pose = { landmarks: Array.from({ length: 33 }, (_, k) => ({ x: k / 40, y: k / 50, score: 0.9 })) };

/** A small session in a store, archived. */
function archived(): { store: SqliteStore; archive: Archive } {
  const store = new SqliteStore(':memory:');
  store.createSession({ id: 's1', title: 'T', createdAt: 5, demo: false, participants: [{ name: 'Li', role: 'customer' }, { name: 'Rep', role: 'rep' }] });
  const u = store.addUtterance({ sessionId: 's1', speaker: 'Li', role: 'customer', text: 'How much?', startMs: 0, endMs: 900, receivedAt: 10, clientTurnId: 'c-1' });
  const frameId = store.addFrame({ sessionId: 's1', participant: 'Li', mediaMs: 100, source: 'browser', poses: [pose], aspect: 1.5, person: null, receivedAt: 11 });
  const s = store.addSignal({ sessionId: 's1', kind: 'verbal', utteranceId: u.id, participant: 'Li', label: 'price_inquiry', score: 0.9, scores: { price_inquiry: 0.9, discount_request: 0, purchase_intent: 0.05, resistance: 0, neutral: 0.05 }, mediaMs: 0, modelVersion: 'v1' }, u.text);
  const cue = store.addCue({
    sessionId: 's1', type: 'closing_moment', reason: 'buying_signal', mediaMs: 0, score: 0.9, technique: 'direct_request',
    evidence: [{ signalId: s.id, kind: 'verbal', utteranceId: u.id, frameId: null, participant: 'Li', label: 'price_inquiry', score: 0.9, mediaMs: 0, text: u.text }],
    title: { en: 'Ask', zh: '问' }, tip: { en: 'Ask now', zh: '现在问' }, modelVersion: 'v1', inputReceivedAt: 10, emittedAt: 12,
  });
  store.setCorrection({ sessionId: 's1', utteranceId: u.id, label: 'purchase_intent', note: null, correctedAt: 20 });
  store.setCueReview({ sessionId: 's1', cueType: cue.type, mediaMs: cue.mediaMs, verdict: 'useful', note: 'yes', reviewedAt: 21 });
  store.setPostureLabels({ sessionId: 's1', frameId, participant: 'Li', labels: ['neutral'], note: null, labelledAt: 22 });
  store.addComment({ sessionId: 's1', mediaMs: 50, text: 'Here', author: null, createdAt: 23 }, 10);
  store.noteThresholds('s1', '{"resistance":0.6}');
  return { store, archive: archiveDocument(store.archiveParts('s1')!, 99) };
}

/** The archive as JSON text and back, edited: what an import reads. */
const edited = (a: Archive, edit: (x: any) => void): unknown => {
  const x = JSON.parse(JSON.stringify(a));
  edit(x);
  return x;
};

function refusal(value: unknown): ValidationError {
  try {
    parseArchive(value);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('session archives', () => {
  it('an archive parses back as it was written', () => {
    const { archive } = archived();
    expect(archive).toMatchObject({ format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, exportedAt: 99, session: { id: 's1', title: 'T', createdAt: 5 } });
    expect(parseArchive(JSON.parse(JSON.stringify(archive)))).toEqual(archive);
  });

  it('refuses with the field named: format, a newer version, cross-references, sizes', () => {
    const { archive } = archived();
    const cases: [unknown, string, RegExp][] = [
      [[], 'body', /must be a JSON object/],
      [edited(archive, (x) => (x.format = 'other')), 'format', /not a session archive/],
      [edited(archive, (x) => (x.version = 7)), 'version', /version 7, written by a newer buying-signals; this server reads versions up to 1/],
      [edited(archive, (x) => (x.version = 0)), 'version', /./],
      [edited(archive, (x) => (x.signals[0].utteranceId = 42)), 'signals.0.utteranceId', /no utterance of the archive has id 42/],
      [edited(archive, (x) => (x.cues[0].evidence[0].signalId = 42)), 'cues.0.evidence.0.signalId', /no signal/],
      [edited(archive, (x) => (x.cues[0].evidence[0].utteranceId = 42)), 'cues.0.evidence.0.utteranceId', /no utterance/],
      [edited(archive, (x) => (x.cueReviews[0].mediaMs = 7)), 'cueReviews.0.cueId', /not the reviewed moment/],
      [edited(archive, (x) => (x.postureLabels[0].participant = 'Rep')), 'postureLabels.0.participant', /not the participant of frame/],
      [edited(archive, (x) => x.participants.push({ name: 'Li', role: null })), 'participants.2.name', /appears twice/],
      [edited(archive, (x) => (x.frames[0].persons = 2)), 'frames.0.persons', /number of poses/],
      [edited(archive, (x) => (x.signals[0].kind = 'posture')), 'signals.0.utteranceId', /posture/],
      // Evidence must be its signal's copy: another turn of the archive, another person, another label.
      [edited(archive, (x) => {
        x.utterances.push({ ...x.utterances[0], id: 77, seq: 2, speaker: 'Rep', clientTurnId: 'c-2', text: 'Not the customer' });
        x.cues[0].evidence[0].utteranceId = 77;
      }), 'cues.0.evidence.0.utteranceId', /must be its signal's \(signal \d+: \d+\), got 77/],
      [edited(archive, (x) => (x.cues[0].evidence[0].participant = 'Rep')), 'cues.0.evidence.0.participant', /must be its signal's .*"Li".*"Rep"/],
      [edited(archive, (x) => (x.cues[0].evidence[0].label = 'purchase_intent')), 'cues.0.evidence.0.label', /must be its signal's/],
    ];
    for (const [value, field, message] of cases) {
      const e = refusal(value);
      expect([field, e.details.field]).toEqual([field, field]);
      expect(e.message).toMatch(message);
    }
    const long = refusal(edited(archive, (x) => (x.comments[0].text = 'y'.repeat(2001))));
    expect(long.details).toMatchObject({ field: 'comments.0.text', limit: 2000, actual: 2001 });
  });

  it('holds every table of a session but the trackers\' saved states (a new table keyed by session must join the archive or be named here)', () => {
    const inArchive: Record<string, keyof Archive> = {
      comments: 'comments', posture_labels: 'postureLabels', cue_reviews: 'cueReviews', corrections: 'corrections', cues: 'cues',
      signals: 'signals', frames: 'frames', utterances: 'utterances', participants: 'participants', analysis_thresholds: 'signalThresholds',
    };
    // deleted_turns: numbers and clientTurnIds a coach's deletions keep taken in the session they
    // were sent to; an imported copy is a new session no live turn was sent to.
    const left = ['tracker_states', 'deleted_turns'];
    expect(SESSION_TABLES.filter((t) => !(t in inArchive) && !left.includes(t))).toEqual([]);
    const { archive } = archived();
    for (const key of Object.values(inArchive)) expect([key, (archive[key] as unknown[]).length]).toEqual([key, 1 + (key === 'participants' ? 1 : 0)]);
  });

  it('an import that fails in the store stores nothing (one transaction)', () => {
    const { archive } = archived();
    const target = new SqliteStore(':memory:');
    // Past the checks: a label on a frame the archive lacks fails at the last insert.
    const bad = { ...archive, postureLabels: [{ ...archive.postureLabels[0]!, frameId: 999 }] };
    expect(() => target.importArchive('s2', 'T', storedParts(bad))).toThrow();
    expect(target.getSession('s2')).toBeUndefined();
    expect(target.listSessions()).toEqual([]);
    target.importArchive('s3', 'T', storedParts(archive));
    expect(target.archiveParts('s3')!.utterances.map((u) => u.seq)).toEqual([1]);
  });

  it('keeps the signal thresholds the analysis was made under; an archive from before has none: not known, and the copy says none', () => {
    const { archive } = archived();
    expect(archive.signalThresholds).toEqual([{ resistance: 0.6 }]);
    const target = new SqliteStore(':memory:');
    target.importArchive('s2', 'T', storedParts(parseArchive(JSON.parse(JSON.stringify(archive)))));
    expect(target.modelVersions('s2').thresholds).toEqual([{ resistance: 0.6 }]);
    const { signalThresholds: _none, ...before } = archive;
    target.importArchive('s3', 'T', storedParts(parseArchive(JSON.parse(JSON.stringify(before)))));
    expect(target.modelVersions('s3').thresholds).toEqual([]);
    // Checked as serve --thresholds checks them, the field named.
    expect(() => parseArchive({ ...archive, signalThresholds: [{ neutral: 0.5 }] })).toThrow(/signalThresholds\.0/);
    expect(() => parseArchive({ ...archive, signalThresholds: [{ resistance: 2 }] })).toThrow(/signalThresholds\.0\.resistance/);
  });

  it('stores names as every other path does: invisible characters dropped, so two spellings of one name are one name twice', () => {
    const { archive } = archived();
    // "Li\u200B" is "Li" everywhere else: a live turn from "Li" must join this participant.
    const zw = (x: any) => {
      x.participants[0].name = 'Li\u200B';
      for (const u of x.utterances) u.speaker = 'L\u200Ci';
      for (const f of x.frames) f.participant = ' Li ';
      for (const sg of x.signals) sg.participant = 'Li\u2060';
      for (const c of x.cues) for (const e of c.evidence) e.participant = 'Li';
      for (const l of x.postureLabels) l.participant = 'Li\uFEFF';
    };
    const a = parseArchive(edited(archive, zw));
    expect(a.participants[0]!.name).toBe('Li');
    expect([a.utterances[0]!.speaker, a.frames[0]!.participant, a.signals[0]!.participant, a.postureLabels[0]!.participant]).toEqual(['Li', 'Li', 'Li', 'Li']);
    const twice = refusal(edited(archive, (x) => x.participants.push({ name: 'Li\u200B', role: null })));
    expect([twice.details.field, twice.message]).toEqual(['participants.2.name', 'participants.2.name: "Li" appears twice']);
    const nothing = refusal(edited(archive, (x) => (x.participants[1].name = '\u200B\u200E')));
    expect(nothing.details.field).toBe('participants.1.name');
  });

  it('refuses words of nothing (a turn, a comment) as the live routes do, and stores a blank note or author as none', () => {
    const { archive } = archived();
    for (const [edit, field] of [
      [(x: any) => (x.utterances[0].text = '\u200B'), 'utterances.0.text'],
      [(x: any) => (x.utterances[0].text = '   '), 'utterances.0.text'],
      [(x: any) => (x.comments[0].text = '\u3164'), 'comments.0.text'],
    ] as const) {
      const e = refusal(edited(archive, edit));
      expect([field, e.details.field]).toEqual([field, field]);
      expect(e.message).toMatch(/must not be/);
    }
    const a = parseArchive(edited(archive, (x) => {
      x.utterances[0].text = '  How much?  ';
      x.corrections[0].note = ' \u200B ';
      x.cueReviews[0].note = '  yes ';
      x.comments[0].author = '\u00A0';
    }));
    expect([a.utterances[0]!.text, a.corrections[0]!.note, a.cueReviews[0]!.note, a.comments[0]!.author]).toEqual(['How much?', null, 'yes', null]);
  });

  it('writes the document a row at a time, the same text as JSON.stringify, the landmarks copied as stored', () => {
    const { store } = archived();
    store.addFrame({ sessionId: 's1', participant: 'Li', mediaMs: 300, source: 'server', poses: [], receivedAt: 13 });
    store.addFrame({ sessionId: 's1', participant: 'Li', mediaMs: 400, source: 'browser', poses: [pose, pose], aspect: 0.75, person: { xMin: 0.1, yMin: 0.2, width: 0.3, height: 0.4 }, receivedAt: 14 });
    const rows = store.archiveRows('s1')!;
    expect(rows.frames.map((f) => f.personJson)).toEqual(['null', null, '{"xMin":0.1,"yMin":0.2,"width":0.3,"height":0.4}']);
    const text = [...archiveText(rows, 99)].join('');
    expect(text).toBe(`${JSON.stringify(archiveDocument(store.archiveParts('s1')!, 99))}\n`);
    expect(parseArchive(JSON.parse(text)).frames.map((f) => 'person' in f)).toEqual([true, false, true]);
  });

  it('reads the rows a page at a time as the same document, and stores an archive a slice at a time as the same session', () => {
    const { store } = archived();
    for (let i = 0; i < 5; i++) store.addFrame({ sessionId: 's1', participant: 'Li', mediaMs: 500 + i, source: 'browser', poses: [pose], receivedAt: 20 + i });
    const raw = (store as unknown as { db: Parameters<typeof readArchiveRows>[0] }).db;
    const whole = [...archiveText(store.archiveRows('s1')!, 99)].join('');
    expect([...archiveText(readArchiveRows(raw, 's1', 2)!, 99)].join('')).toBe(whole);
    // Sliced import (importSteps), step by step: invisible until the last step, then the same archive.
    const steps = store.importSteps('s9', 'Copy', store.archiveRows('s1')!);
    steps.next();
    steps.next();
    expect([store.getSession('s9'), store.listSessions().some((x) => x.id === 's9')]).toEqual([undefined, false]);
    for (let r = steps.next(); !r.done; r = steps.next()) { /* the rest */ }
    const copy = JSON.parse([...archiveText(store.archiveRows('s9')!, 99)].join('')) as Archive;
    expect(copy.frames.length).toBe(JSON.parse(whole).frames.length);
    expect(store.getSession('s9')?.title).toBe('Copy');
    // One stopped half-way is deleted whole by discardImport, and a store closing deletes any.
    const half = store.importSteps('s10', 'Half', store.archiveRows('s1')!);
    half.next();
    half.next();
    store.discardImport('s10');
    const n = (sql: string) => (raw.prepare(sql).get('s10') as { n: number }).n;
    expect([...SESSION_TABLES, 'sessions'].map((t) => n(`SELECT COUNT(*) AS n FROM ${t} WHERE ${t === 'sessions' ? 'id' : 'session_id'} = ?`))).toEqual([...SESSION_TABLES, 'sessions'].map(() => 0));
  });

  it('sends a long document a slice at a time, going back to the event loop between slices', async () => {
    const written: string[] = [];
    const sink = Object.assign(new EventEmitter(), {
      destroyed: false,
      write: (chunk: string) => (written.push(`w:${chunk.length}`), true),
      end: (chunk: string) => (written.push(`end:${chunk.length}`), sink),
    }) as unknown as PieceSink;
    const piece = 'x'.repeat(SLICE_CHARS / 4);
    const pieces = function* () {
      for (let i = 0; i < 10; i++) yield piece;
    };
    setImmediate(() => written.push('tick')); // what a live turn's socket event stands for here
    await sendPieces(sink, pieces());
    // The other callback ran after the first slice, before the rest: one tick never holds it all.
    expect(written).toEqual(['w:262144', 'tick', 'w:262144', `end:${2 * (SLICE_CHARS / 4)}`]);
    // A client gone: no more slices.
    const gone = Object.assign(new EventEmitter(), { destroyed: false, write: () => ((gone as any).destroyed = true), end: jest.fn() }) as unknown as PieceSink;
    await sendPieces(gone, pieces());
    expect(gone.end).not.toHaveBeenCalled();
    // A fast client behind back-pressure: every write returns false and drains at once (in the
    // I/O phase, as a socket's does); the loop still turns between slices.
    const fast: string[] = [];
    const drained = Object.assign(new EventEmitter(), {
      destroyed: false,
      write: (chunk: string) => (fast.push(`w:${chunk.length}`), process.nextTick(() => drained.emit('drain')), false),
      end: (chunk: string) => (fast.push(`end:${chunk.length}`), drained),
    }) as unknown as PieceSink & EventEmitter;
    setImmediate(() => fast.push('tick'));
    await sendPieces(drained, pieces());
    expect(fast).toEqual(['w:262144', 'tick', 'w:262144', `end:${2 * (SLICE_CHARS / 4)}`]);
    // A client reading a trickle (each slice drained late) is cut once the whole took maxMs, and
    // one that stops reading once a drain is stallMs late: the response destroyed, never ended.
    const slow = (drainMs: number) => {
      const sink: EventEmitter & { destroyed: boolean; writes: number; write: () => boolean; end: jest.Mock; destroy: jest.Mock } = Object.assign(new EventEmitter(), {
        destroyed: false, writes: 0,
        write: (): boolean => {
          sink.writes++;
          if (drainMs >= 0) setTimeout(() => sink.emit('drain'), drainMs);
          return false;
        },
        end: jest.fn(), destroy: jest.fn(() => (sink.destroyed = true)),
      });
      return sink;
    };
    const many = function* () {
      for (let i = 0; i < 40; i++) yield piece;
    };
    const trickle = slow(20);
    await sendPieces(trickle, many(), { stallMs: 1000, maxMs: 50 });
    expect(trickle.destroy).toHaveBeenCalled();
    expect(trickle.end).not.toHaveBeenCalled();
    expect(trickle.writes).toBeLessThan(6);
    const stalled = slow(-1);
    const t0 = Date.now();
    await sendPieces(stalled, many(), { stallMs: 50, maxMs: 60_000 });
    expect(stalled.destroy).toHaveBeenCalled();
    expect(stalled.writes).toBe(1);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('checks an upload on a worker thread: the same archive, and the same refusals naming the field', async () => {
    const { archive } = archived();
    const checked = await checkArchiveAside(Buffer.from(JSON.stringify(archive)), 0);
    expect(checked).toEqual({ ...archive, ...storedParts(archive) });
    const bad = Buffer.from(JSON.stringify(edited(archive, (x) => (x.cues[0].evidence[0].utteranceId = 42))));
    await expect(checkArchiveAside(bad, 0)).rejects.toMatchObject({ constructor: AppError, status: 400, code: 'invalid_input', details: { field: 'cues.0.evidence.0.utteranceId' } });
    await expect(checkArchiveAside(Buffer.from('{\n"format": 1,\n}'), 0)).rejects.toMatchObject({ status: 400, code: 'bad_json', details: { line: 3 } });
    await expect(checkArchiveAside(Buffer.alloc(0), 0)).rejects.toMatchObject({ status: 400, code: 'empty' });
  });

  it('checks one upload at a time (each holds several times its size in memory): the others wait their turn', async () => {
    const { archive } = archived();
    const order: string[] = [];
    const check = (name: string, body: unknown) => checkArchiveAside(Buffer.from(JSON.stringify(body)), 0).then(() => order.push(name), () => order.push(`${name} refused`));
    const big = edited(archive, (x) => {
      for (let i = 2; i < 10_000; i++) x.frames.push({ ...x.frames[0], id: i });
    });
    await Promise.all([check('big', big), check('bad', { format: 'x' }), check('small', archive)]);
    // Started after the big one, the bad and small ones (quicker alone) finish after it.
    expect(order).toEqual(['big', 'bad refused', 'small']);
  });
});

describe("archives' edit history", () => {
  const history = (x: any, h: Record<string, unknown>) => Object.assign(x.utterances[0], h);

  it('a turn edited back to its first words is an edited turn; an edit before the turn was received is refused by name', () => {
    const { archive } = archived();
    const receivedAt = archive.utterances[0]!.receivedAt;
    const back = edited(archive, (x) => history(x, { originalText: 'How much?', originalSpeaker: 'Li', editedAt: receivedAt + 5 }));
    expect(parseArchive(back).utterances[0]).toMatchObject({ originalText: 'How much?', editedAt: receivedAt + 5 });
    const early = refusal(edited(archive, (x) => history(x, { originalText: 'How much', originalSpeaker: 'Li', editedAt: receivedAt - 1 })));
    expect(early.details).toMatchObject({ field: 'utterances.0.editedAt' });
    expect(early.message).toMatch(/receivedAt/);
  });

  it("refuses a first speaker who is not one of the archive's participants (the server keeps a turn's first speaker a participant)", () => {
    const { archive } = archived();
    const stranger = refusal(edited(archive, (x) => history(x, { originalText: 'How much', originalSpeaker: 'Ghost', editedAt: archive.utterances[0]!.receivedAt + 1 })));
    expect(stranger.details).toMatchObject({ field: 'utterances.0.originalSpeaker' });
    expect(stranger.message).toMatch(/Ghost.*participants/);
  });
});
