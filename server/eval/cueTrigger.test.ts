// The trigger read back from an exported row is the one the real cue engine had, for every
// reason: the cues here come from CueEngine itself, exported as the server exports them.
import type { CueEvidence } from '../../protocol/protocol';
import { CueEngine, type CueDraft } from '../fusion/cueEngine';
import { cueTrigger } from './cueTrigger';
import { cueRows } from './cueTestkit';

let nextId = 1;
function verbal(label: string, score: number, mediaMs: number): CueEvidence {
  const id = nextId++;
  return { signalId: id, kind: 'verbal', utteranceId: id, frameId: null, participant: 'Li', label: label as CueEvidence['label'], score, mediaMs, text: `${label} words` };
}
function posture(label: string, score: number, mediaMs: number): CueEvidence {
  const id = nextId++;
  return { signalId: id, kind: 'posture', utteranceId: null, frameId: id, participant: 'Li', label: label as CueEvidence['label'], score, mediaMs, text: label };
}

/** The draft as GET /api/cue-reviews would export a verdict on it. */
function exported(d: CueDraft, session = 's') {
  return {
    session, cue_type: d.type, media_ms: d.mediaMs, reason: d.reason, score: d.score, technique: d.technique,
    evidence: d.evidence.map((e) => ({ kind: e.kind, label: e.label, score: e.score, media_ms: e.mediaMs, text: e.text })),
  };
}

describe('cueTrigger', () => {
  it("finds the engine's own trigger for every reason, whatever else the evidence holds", () => {
    // No cooldowns: every reason comes in one short meeting.
    const engine = new CueEngine({ cooldownMs: { closing_moment: 0, resistance: 0 } });
    const signals: Array<{ s: CueEvidence; score?: number }> = [];
    const drafts: CueDraft[] = [];
    const push = (s: CueEvidence) => {
      signals.push({ s });
      drafts.push(...engine.push(s));
    };
    push(posture('leaning_forward', 0.8, 3000)); // supports the next (listed after it)
    push(verbal('price_inquiry', 0.9, 5000)); // buying_signal
    push(verbal('purchase_intent', 0.85, 15000)); // signals_accumulating: with the one at 5000
    push(verbal('resistance', 0.7, 100_000)); // customer_resists
    push(verbal('resistance', 0.65, 130_000)); // customer_resists, with the earlier resistance in its evidence
    push(verbal('discount_request', 0.6, 140_000)); // objection_removed: the resistance listed first
    push(posture('arms_crossed', 0.9, 400_000));
    push(posture('leaning_back', 0.8, 401_000)); // closed_posture
    engine.repTurn(500_000, 'It pays for itself in a year.');
    push(posture('nodding', 0.7, 503_000)); // benefit_acknowledged
    expect(drafts.map((d) => d.reason)).toEqual([
      'buying_signal', 'signals_accumulating', 'customer_resists', 'customer_resists', 'objection_removed', 'closed_posture', 'benefit_acknowledged',
    ]);
    // The cases the module comment names: evidence before the trigger, and posture after it.
    expect(drafts[1]!.evidence.filter((e) => e.kind === 'verbal').map((e) => e.mediaMs)).toEqual([5000, 15000]);
    expect(drafts[3]!.evidence.map((e) => e.mediaMs)).toEqual([100_000, 130_000]);
    expect(drafts[4]!.evidence.map((e) => e.label)).toEqual(['resistance', 'discount_request', 'leaning_forward']);
    expect(drafts[0]!.evidence.map((e) => e.kind)).toEqual(['verbal', 'posture']);

    const rows = cueRows(drafts.map((d, i) => exported(d, `s${i}`)));
    rows.forEach((row, i) => {
      const d = drafts[i]!;
      const t = cueTrigger(row);
      if (d.trigger === 'nodding' || d.reason === 'closed_posture') {
        expect(t).toEqual({ kind: 'posture' });
      } else {
        const s = signals.find((x) => x.s.kind === 'verbal' && x.s.mediaMs === d.mediaMs)!.s;
        expect(t).toEqual({ kind: 'verbal', label: d.trigger, score: s.score });
      }
    });
  });

  it('a row whose evidence does not show the trigger is unidentified, with why; a row with no cue has none', () => {
    const base = { reason: 'buying_signal', media_ms: 5000 };
    const ev = (label: string, mediaMs: number, kind = 'verbal') => ({ kind, label, score: 0.9, media_ms: mediaMs, text: '' });
    const [late, wrongLabel, postureOnly, notEmitted] = cueRows([
      { ...base, session: 'a', evidence: [ev('price_inquiry', 4000)] },
      { ...base, session: 'b', evidence: [ev('resistance', 5000)] },
      { ...base, session: 'c', evidence: [ev('leaning_forward', 5000, 'posture')] },
      { emitted: false, session: 'd' },
    ]);
    expect(cueTrigger(late!)).toEqual({ kind: 'unidentified', why: "its last verbal evidence is at 4000 ms, not at the cue's 5000 ms" });
    expect(cueTrigger(wrongLabel!)).toEqual({ kind: 'unidentified', why: 'its last verbal evidence is resistance, which does not raise buying_signal' });
    expect(cueTrigger(postureOnly!)).toEqual({ kind: 'unidentified', why: 'a buying_signal cue with no verbal evidence' });
    expect(cueTrigger(notEmitted!)).toBeUndefined();
  });
});
