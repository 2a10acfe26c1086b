import { SESSION_TABLES, SqliteStore } from '../store/sqliteStore';
import { ValidationError } from '../errors/errors';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, archiveDocument, parseArchive, type Archive } from './archive';

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
      signals: 'signals', frames: 'frames', utterances: 'utterances', participants: 'participants',
    };
    const left = ['tracker_states'];
    expect(SESSION_TABLES.filter((t) => !(t in inArchive) && !left.includes(t))).toEqual([]);
    const { archive } = archived();
    for (const key of Object.values(inArchive)) expect([key, (archive[key] as unknown[]).length]).toEqual([key, 1 + (key === 'participants' ? 1 : 0)]);
  });

  it('an import that fails in the store stores nothing (one transaction)', () => {
    const { archive } = archived();
    const target = new SqliteStore(':memory:');
    // Past the checks: a label on a frame the archive lacks fails at the last insert.
    const bad = { ...archive, postureLabels: [{ ...archive.postureLabels[0]!, frameId: 999 }] };
    expect(() => target.importArchive('s2', 'T', bad)).toThrow();
    expect(target.getSession('s2')).toBeUndefined();
    expect(target.listSessions()).toEqual([]);
    target.importArchive('s3', 'T', archive);
    expect(target.archiveParts('s3')!.utterances.map((u) => u.seq)).toEqual([1]);
  });
});
