// A coach's correction of a stored turn (SessionService.editUtterance / deleteUtterance),
// re-analysed aside a slice at a time, against a session that held the corrected transcript from
// the start: the same signals and cues (one pass over the session as it then is), words and
// posture frames together; the live pipeline goes on from the corrected context. Real models, SQLite.
import { useRealModels } from './models.testkit';
import { SqliteStore } from '../store/sqliteStore';
import { SessionService } from './sessionService';
import type { SessionSnapshot, UtteranceIn } from '../../protocol/protocol';
import { ShuttingDownError } from '../errors/errors';

const models = useRealModels();

/** The demo meeting's words (with `fix` applied) and its customer's posture frames, in media-time order. */
function build(fix: (u: UtteranceIn, i: number) => UtteranceIn | undefined = (u) => u) {
  const { demo, verbal, posture } = models;
  const store = new SqliteStore(':memory:');
  const service = new SessionService({ store, classifier: verbal, posture, now: () => 1_000_000, newId: () => 's1', reanalysisSlice: { items: 7, ms: 0 } });
  const id = service.createSession({ title: 't', participants: demo.participants.filter((p) => p.role !== null) }).id;
  const { participant, aspect, frames } = demo.posture!;
  type Step = { t: number; run: () => void };
  const steps: Step[] = [];
  demo.utterances.forEach((u, i) => {
    const fixed = fix(u, i);
    if (fixed) steps.push({ t: u.startMs, run: () => void service.addUtterance(id, fixed) });
  });
  for (const f of frames) steps.push({ t: f.mediaMs, run: () => void service.addLandmarks({ sessionId: id, participant, mediaMs: f.mediaMs, poses: f.poses, aspect }, 'browser') });
  steps.sort((a, b) => a.t - b.t).forEach((s) => s.run());
  return { store, service, id };
}

/** The analysis without store ids: evidence names signals and turns by their place. */
function analysis(snap: SessionSnapshot) {
  const sig = new Map(snap.signals.map((s, i) => [s.id, i]));
  const utt = new Map(snap.utterances.map((u, i) => [u.id, i]));
  return {
    utterances: snap.utterances.map(({ id: _i, seq: _s, originalText: _o, originalSpeaker: _p, editedAt: _e, ...u }) => u),
    signals: snap.signals.map(({ id: _i, ...s }) => ({ ...s, ...(s.kind === 'verbal' ? { utteranceId: utt.get(s.utteranceId) } : { frameId: null }) })),
    cues: snap.cues.map(({ id: _i, evidence, ...c }) => ({ ...c, evidence: evidence.map((e) => ({ ...e, signalId: sig.get(e.signalId), utteranceId: e.utteranceId === null ? null : utt.get(e.utteranceId), frameId: null })) })),
  };
}

/** The first customer turn of the demo that gives a signal, and its place. */
function customerTurn(snap: SessionSnapshot): number {
  const i = snap.utterances.findIndex((u) => u.role === 'customer' && snap.signals.some((s) => s.kind === 'verbal' && s.utteranceId === u.id));
  expect(i).toBeGreaterThan(0);
  return i;
}

describe('correcting a turn re-analyses as one pass over the corrected session', () => {
  it('an edit of words and speaker', async () => {
    const a = build();
    const before = a.service.snapshot(a.id);
    const i = customerTurn(before);
    const rep = models.demo.participants.find((p) => p.role === 'rep')!.name;
    const snap = await a.service.editUtterance(a.id, before.utterances[i]!.id, { text: '这个方案多少钱？', speaker: rep }, 42);
    expect(snap.utterances[i]).toMatchObject({ text: '这个方案多少钱？', speaker: rep, role: 'rep', originalText: before.utterances[i]!.text, editedAt: 42 });
    const b = build((u, k) => (k === i ? { ...u, text: '这个方案多少钱？', speaker: rep } : u));
    expect(analysis(snap)).toEqual(analysis(b.service.snapshot(b.id)));
    expect(analysis(snap)).not.toEqual(analysis(before));
    // The live pipeline's next turn takes the corrected session as its context and cues.
    const next = { speaker: models.demo.posture!.participant, text: '那就这样吧。', startMs: 900_000 };
    a.service.addUtterance(a.id, next);
    b.service.addUtterance(b.id, next);
    expect(analysis(a.service.snapshot(a.id))).toEqual(analysis(b.service.snapshot(b.id)));
  });

  it('a deletion, its label going with it', async () => {
    const a = build();
    const before = a.service.snapshot(a.id);
    const i = customerTurn(before);
    a.service.correct(a.id, before.utterances[i]!.id, { label: 'neutral' }, 1);
    const snap = await a.service.deleteUtterance(a.id, before.utterances[i]!.id);
    expect(snap.corrections).toEqual([]);
    const b = build((u, k) => (k === i ? undefined : u));
    expect(analysis(snap)).toEqual(analysis(b.service.snapshot(b.id)));
  });

  it('the last turn deleted: the next live turn takes the one before as context', async () => {
    const a = build();
    const last = a.service.snapshot(a.id).utterances.at(-1)!;
    await a.service.deleteUtterance(a.id, last.id);
    const b = build((u, k) => (k === models.demo.utterances.length - 1 ? undefined : u));
    const next = { speaker: models.demo.posture!.participant, text: '1950 then.', startMs: 900_000 };
    a.service.addUtterance(a.id, next);
    b.service.addUtterance(b.id, next);
    expect(analysis(a.service.snapshot(a.id))).toEqual(analysis(b.service.snapshot(b.id)));
  });

  it('stopping the service abandons an edit under way: nothing of it is stored', async () => {
    const a = build();
    const before = a.service.snapshot(a.id);
    const edit = a.service.editUtterance(a.id, before.utterances[1]!.id, { text: 'changed' }, 42);
    const deletion = a.service.deleteUtterance(a.id, before.utterances[2]!.id);
    await new Promise((r) => setImmediate(r));
    await a.service.close();
    await expect(edit).rejects.toBeInstanceOf(ShuttingDownError);
    await expect(deletion).rejects.toThrow(/turn deletion was not stored/);
    expect(a.service.snapshot(a.id)).toEqual(before);
  });
});

describe('after a correction, a restart', () => {
  it("goes on from the corrected analysis: the next words and frames after a restart give what one pass would (tracker states, cue engine, context)", async () => {
    const a = build();
    const before = a.service.snapshot(a.id);
    const i = customerTurn(before);
    await a.service.editUtterance(a.id, before.utterances[i]!.id, { text: '这个方案多少钱？' }, 42);
    await a.service.deleteUtterance(a.id, before.utterances.at(-1)!.id);
    const b = build((u, k) => (k === i ? { ...u, text: '这个方案多少钱？' } : k === models.demo.utterances.length - 1 ? undefined : u));
    // A restart: a new service over the same store (its pipelines rebuilt from what is stored).
    const restarted = new SessionService({ store: a.store, classifier: models.verbal, posture: models.posture, now: () => 1_000_000, newId: () => 's2' });
    const { participant, aspect, frames } = models.demo.posture!;
    const later = 2_000_000;
    for (const s of [restarted, b.service]) {
      for (const f of frames.slice(0, 40)) s.addLandmarks({ sessionId: a.id, participant, mediaMs: later + f.mediaMs, poses: f.poses, aspect }, 'browser');
      s.addUtterance(a.id, { speaker: participant, text: '太贵了，我们再考虑一下。', startMs: later + 50_000 });
    }
    expect(analysis(restarted.snapshot(a.id))).toEqual(analysis(b.service.snapshot(b.id)));
  });
});
