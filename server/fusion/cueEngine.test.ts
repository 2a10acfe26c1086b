import type { PostureSignalLabel, VerbalLabel } from '../../protocol/protocol';
import { CueEngine, validateCueEngineOptions, type SignalEvent } from './cueEngine';

let nextId = 1;
function sig(label: VerbalLabel, mediaMs: number, score = 0.9): SignalEvent {
  const id = nextId++;
  return { signalId: id, kind: 'verbal', utteranceId: id, frameId: null, participant: 'customer', label, score, mediaMs, text: `${label}@${mediaMs}` };
}

function pose(label: PostureSignalLabel, mediaMs: number, score = 0.8): SignalEvent {
  const id = nextId++;
  return { signalId: id, kind: 'posture', utteranceId: null, frameId: id, participant: 'customer', label, score, mediaMs, text: label };
}

function run(engine: CueEngine, events: SignalEvent[]) {
  return events.flatMap((e) => engine.push(e));
}

describe('CueEngine', () => {
  it('raises a closing moment with a direct request when the customer asks the price', () => {
    const cues = run(new CueEngine(), [sig('price_inquiry', 10_000)]);
    expect(cues).toHaveLength(1);
    expect(cues[0]).toMatchObject({ type: 'closing_moment', reason: 'buying_signal', technique: 'direct_request', mediaMs: 10_000 });
    expect(cues[0]!.evidence.map((e) => e.label)).toEqual(['price_inquiry']);
  });

  it('suggests benefit listing when the customer haggles', () => {
    const [cue] = run(new CueEngine(), [sig('discount_request', 0)]);
    expect(cue?.technique).toBe('benefit_listing');
  });

  it('ignores neutral and low-score signals', () => {
    expect(run(new CueEngine(), [sig('neutral', 0), sig('price_inquiry', 1000, 0.3)])).toEqual([]);
  });

  it('holds back a second cue of the same type inside the cooldown, then sees signals adding up', () => {
    const engine = new CueEngine({ cooldownMs: { closing_moment: 30_000, resistance: 30_000 } });
    const cues = run(engine, [sig('price_inquiry', 0), sig('discount_request', 10_000), sig('purchase_intent', 40_000)]);
    expect(cues.map((c) => c.reason)).toEqual(['buying_signal', 'signals_accumulating']);
    const last = cues[1]!;
    expect(last.technique).toBe('assumptive_close');
    expect(last.evidence).toHaveLength(3);
    expect(last.score).toBeGreaterThan(cues[0]!.score);
  });

  it('calls a buying signal after a resistance "objection removed", even inside the cooldown', () => {
    const cues = run(new CueEngine(), [sig('price_inquiry', 0), sig('resistance', 5_000), sig('purchase_intent', 20_000)]);
    expect(cues.map((c) => [c.type, c.reason])).toEqual([
      ['closing_moment', 'buying_signal'],
      ['resistance', 'customer_resists'],
      ['closing_moment', 'objection_removed'],
    ]);
    expect(cues[2]!.evidence.map((e) => e.label)).toEqual(['resistance', 'purchase_intent']);
  });

  it('does not call it objection removed once the objection is older than the window', () => {
    const engine = new CueEngine({ objectionWindowMs: 10_000 });
    const cues = run(engine, [sig('resistance', 0), sig('price_inquiry', 60_000)]);
    expect(cues.map((c) => c.reason)).toEqual(['customer_resists', 'buying_signal']);
  });

  it('gives the same cues for the same signals, whatever the wall clock (replay at any speed)', () => {
    const events = [sig('resistance', 1_000), sig('price_inquiry', 20_000), sig('discount_request', 30_000), sig('purchase_intent', 90_000)];
    expect(run(new CueEngine(), events)).toEqual(run(new CueEngine(), events));
  });

  it('de-duplicates a signal pushed twice for the same utterance', () => {
    const engine = new CueEngine();
    const s = sig('price_inquiry', 0);
    expect(run(engine, [s, { ...s, signalId: 999 }])).toHaveLength(1);
  });

  it('rejects options outside their range with the option named', () => {
    expect(() => validateCueEngineOptions({ minSignalScore: 2 })).toThrow(/minSignalScore must be within \[0, 1\], got 2/);
    expect(() => validateCueEngineOptions({ cooldownMs: { closing_moment: -1, resistance: 0 } })).toThrow(/cooldownMs.closing_moment/);
  });

  describe('with posture', () => {
    it('makes a price question while leaning in a stronger closing moment, with the posture as evidence', () => {
      const alone = run(new CueEngine(), [sig('price_inquiry', 10_000, 0.7)]);
      const engine = new CueEngine();
      const withLean = run(engine, [pose('leaning_forward', 6_000), sig('price_inquiry', 10_000, 0.7)]);
      expect(withLean).toHaveLength(1);
      expect(withLean[0]!.score).toBeGreaterThan(alone[0]!.score);
      expect(withLean[0]!.posture).toEqual(['leaning_forward']);
      expect(withLean[0]!.evidence.map((e) => e.kind)).toEqual(['verbal', 'posture']);
    });

    it('leaves out a posture that turned off long before', () => {
      const engine = new CueEngine({ postureWindowMs: 5_000 });
      engine.push(pose('leaning_forward', 0));
      engine.postureOff('leaning_forward');
      const [cue] = run(engine, [sig('price_inquiry', 30_000)]);
      expect(cue!.posture).toEqual([]);
    });

    it('raises a resistance cue for sustained crossed arms plus leaning back, not for either alone', () => {
      const engine = new CueEngine();
      expect(run(engine, [pose('arms_crossed', 1_000)])).toEqual([]);
      const cues = run(engine, [pose('leaning_back', 4_000)]);
      expect(cues).toHaveLength(1);
      expect(cues[0]).toMatchObject({ type: 'resistance', reason: 'closed_posture', technique: 'address_objection' });
      expect(cues[0]!.evidence.map((e) => e.label).sort()).toEqual(['arms_crossed', 'leaning_back']);
    });

    it('does not raise it when the arms were uncrossed before the lean', () => {
      const engine = new CueEngine();
      engine.push(pose('arms_crossed', 1_000));
      engine.postureOff('arms_crossed');
      expect(run(engine, [pose('leaning_back', 4_000)])).toEqual([]);
    });

    it('calls nodding right after a rep turn "benefit acknowledged", but not nodding out of the blue', () => {
      const engine = new CueEngine();
      expect(run(engine, [pose('nodding', 5_000)])).toEqual([]);
      engine.repTurn(20_000, 'It also covers your whole family.');
      const cues = run(engine, [pose('nodding', 23_000)]);
      expect(cues).toHaveLength(1);
      expect(cues[0]).toMatchObject({ reason: 'benefit_acknowledged', technique: 'assumptive_close' });
      expect(cues[0]!.evidence[0]!.text).toContain('covers your whole family');
    });

    it('treats closed posture as the objection that a later buying signal removes', () => {
      const engine = new CueEngine();
      run(engine, [pose('arms_crossed', 0), pose('leaning_back', 2_000)]);
      engine.postureOff('arms_crossed');
      engine.postureOff('leaning_back');
      const [cue] = run(engine, [sig('purchase_intent', 60_000)]);
      expect(cue).toMatchObject({ reason: 'objection_removed' });
    });
  });
});
