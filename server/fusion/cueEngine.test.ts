import type { VerbalLabel } from '../../protocol/protocol';
import { CueEngine, validateCueEngineOptions, type SignalEvent } from './cueEngine';

let nextId = 1;
function sig(label: VerbalLabel, mediaMs: number, score = 0.9): SignalEvent {
  const id = nextId++;
  return { signalId: id, utteranceId: id, label, score, mediaMs, text: `${label}@${mediaMs}` };
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
});
