import type { Cue, CueType, SessionSnapshot, Utterance, VerbalLabel, VerbalSignal } from '../../protocol/protocol';
import { compareTranscriptRuns, formatPooledCompare, formatTranscriptCompare, matchCues, poolTranscriptCompares } from './transcriptCompare';

const turn = (seq: number, speaker: string, role: 'customer' | 'rep', text: string): Utterance => ({
  id: 100 + seq, sessionId: 's', seq, speaker, role, text, startMs: seq * 10_000, endMs: seq * 10_000 + 500, receivedAt: 0,
});
const TURNS = [
  turn(1, 'Ada', 'rep', 'Here is the plan.'),
  turn(2, 'Li', 'customer', 'How much is it?'),
  turn(3, 'Li', 'customer', 'Hm, okay.'),
  turn(4, 'Li', 'customer', 'Too expensive for us.'),
  turn(5, 'Li', 'customer', 'Let us sign.'),
];
const sig = (seq: number, label: VerbalLabel, score: number): VerbalSignal => ({
  id: seq, sessionId: 's', kind: 'verbal', utteranceId: 100 + seq, participant: 'Li', label, score,
  scores: {} as VerbalSignal['scores'], mediaMs: seq * 10_000, text: TURNS[seq - 1]!.text, modelVersion: 'v',
});
const cue = (type: CueType, seq: number, id = seq): Cue => ({
  id, sessionId: 's', type, reason: type === 'resistance' ? 'customer_resists' : 'buying_signal', mediaMs: seq * 10_000, score: 0.8,
  evidence: [{ signalId: seq, kind: 'verbal', utteranceId: 100 + seq, frameId: null, participant: 'Li', label: 'resistance', score: 0.8, mediaMs: seq * 10_000, text: TURNS[seq - 1]!.text }],
  technique: 'direct_request', title: { en: '', zh: '' }, tip: { en: '', zh: '' }, modelVersion: 'v', inputReceivedAt: 0, emittedAt: 0,
});
const snap = (signals: VerbalSignal[], cues: Cue[], unassigned: string[] = []): SessionSnapshot => ({
  session: { id: 's', title: 't', createdAt: 0, participants: [], demo: false },
  utterances: TURNS, signals, cues, unassignedSpeakers: unassigned, modelVersions: { verbal: ['v'], posture: [] }, corrections: [], cueReviews: [], postureLabels: [], comments: [],
});
const META = { transcript: 'm.json', a: { model: 'models/verbal', modelVersion: 'verbal-a' }, b: { model: '/tmp/b', modelVersion: 'verbal-b' }, signalThresholds: {}, cueMinSignalScore: 0.5 };

describe('compareTranscriptRuns', () => {
  it('lists customer turns whose label changed (a signal against none too), same-label turns crossing the cue score apart, and a label-change table', () => {
    const a = snap([sig(2, 'price_inquiry', 0.9), sig(4, 'resistance', 0.45), sig(5, 'purchase_intent', 0.8)], [cue('closing_moment', 2), cue('closing_moment', 5)]);
    const b = snap([sig(2, 'price_inquiry', 0.7), sig(3, 'resistance', 0.6), sig(4, 'resistance', 0.55)], [cue('closing_moment', 2), cue('resistance', 3), cue('resistance', 4)]);
    const r = compareTranscriptRuns(a, b, META);
    expect(r.turns).toEqual([
      { change: 'label', seq: 3, startMs: 30_000, speaker: 'Li', text: 'Hm, okay.', a: null, b: { label: 'resistance', score: 0.6 } },
      { change: 'cue_score', seq: 4, startMs: 40_000, speaker: 'Li', text: 'Too expensive for us.', a: { label: 'resistance', score: 0.45 }, b: { label: 'resistance', score: 0.55 } },
      { change: 'label', seq: 5, startMs: 50_000, speaker: 'Li', text: 'Let us sign.', a: { label: 'purchase_intent', score: 0.8 }, b: null },
    ]);
    expect(r.summary).toEqual({
      utterances: 5, customerTurns: 4, changedTurns: 2, changedShare: 0.5, crossedCueScore: 1,
      labelChanges: [{ a: null, b: 'resistance', turns: 1 }, { a: 'purchase_intent', b: null, turns: 1 }],
      cues: { a: 2, b: 3, both: 1 },
    });
    expect(r.cuesOnlyA.map((c) => [c.type, c.mediaMs])).toEqual([['closing_moment', 50_000]]);
    expect(r.cuesOnlyB.map((c) => [c.type, c.mediaMs, c.evidence])).toEqual([['resistance', 30_000, ['Hm, okay.']], ['resistance', 40_000, ['Too expensive for us.']]]);

    const text = formatTranscriptCompare(r);
    expect(text).toContain('4 customer turns of 5; B changed the signal of 2 (50.0 %)');
    expect(text).toContain('  (none) → resistance         1');
    expect(text).toContain('1 more with the same label crossing the 0.50 a cue needs (a cue may come or go)');
    expect(text).toContain('[00:30] #3 Li: Hm, okay.\n         A (no signal)  →  B resistance 0.60');
    expect(text).toContain('A resistance 0.45  →  B resistance 0.55  (same label; crosses the 0.50 a cue needs)');
    expect(text).toContain('cues only A emitted:\n[00:50] closing_moment (buying_signal, 0.80): "Let us sign."');
    expect(text).toContain('cues: A 2, B 3, in both 1 (matched by type and media time)');
  });

  it('a run against itself reports nothing; unassigned speakers and thresholds are named', () => {
    const a = snap([sig(2, 'price_inquiry', 0.9)], [cue('closing_moment', 2)], ['Guest']);
    const r = compareTranscriptRuns(a, a, { ...META, signalThresholds: { resistance: 0.6 }, warnings: ['file: ignored unknown fields "x"'] });
    expect(r.turns).toEqual([]);
    expect(r.summary).toMatchObject({ changedTurns: 0, labelChanges: [], cues: { a: 1, b: 1, both: 1 } });
    const text = formatTranscriptCompare(r);
    expect(text).toContain('signal thresholds (both): resistance');
    expect(text).toContain('warning: file: ignored unknown fields "x"');
    expect(text).toContain('assign a role to: Guest');
    expect(text).toContain('B changes no signal and no cue on this transcript.');
  });

  it('refuses runs of different transcripts', () => {
    const b = { ...snap([], []), utterances: TURNS.slice(1) };
    expect(() => compareTranscriptRuns(snap([], []), b, META)).toThrow('the two runs hold different turns');
  });
});

describe('poolTranscriptCompares', () => {
  const one = compareTranscriptRuns(
    snap([sig(2, 'price_inquiry', 0.9), sig(4, 'resistance', 0.45), sig(5, 'purchase_intent', 0.8)], [cue('closing_moment', 2), cue('closing_moment', 5)]),
    snap([sig(2, 'price_inquiry', 0.7), sig(3, 'resistance', 0.6), sig(4, 'resistance', 0.55)], [cue('closing_moment', 2), cue('resistance', 3), cue('resistance', 4)]),
    META,
  );
  const two = compareTranscriptRuns(
    snap([sig(3, 'resistance', 0.7), sig(5, 'purchase_intent', 0.8)], [cue('resistance', 3)]),
    snap([sig(2, 'resistance', 0.9), sig(3, 'resistance', 0.8), sig(5, 'purchase_intent', 0.9)], [cue('resistance', 2), cue('resistance', 3)]),
    { ...META, transcript: 'n.vtt' },
  );

  it('sums every count over the files, merges the A → B table by pair (most frequent first) and recomputes the share from the sums', () => {
    const p = poolTranscriptCompares([one, two, one]);
    expect(p).toEqual({
      files: 3, utterances: 15, customerTurns: 12, changedTurns: 5, changedShare: 5 / 12, crossedCueScore: 2,
      labelChanges: [{ a: null, b: 'resistance', turns: 3 }, { a: 'purchase_intent', b: null, turns: 2 }],
      cues: { a: 5, b: 8, both: 3 },
    });
    for (const k of ['utterances', 'customerTurns', 'changedTurns', 'crossedCueScore'] as const) expect(p[k]).toBe(2 * one.summary[k] + two.summary[k]);
    expect(p.labelChanges.reduce((n, c) => n + c.turns, 0)).toBe(p.changedTurns);
  });

  it('pools nothing to zeros (no division by zero), and one file to its own summary', () => {
    expect(poolTranscriptCompares([])).toEqual({
      files: 0, utterances: 0, customerTurns: 0, changedTurns: 0, changedShare: 0, crossedCueScore: 0, labelChanges: [], cues: { a: 0, b: 0, both: 0 },
    });
    expect(poolTranscriptCompares([one])).toEqual({ files: 1, ...one.summary });
  });

  it('as text: the files pooled (and those unread), the models once, then the summary lines a file has', () => {
    const text = formatPooledCompare(poolTranscriptCompares([one, two]), one, [{ file: 'bad.srt' }]);
    expect(text.split('\n')).toEqual([
      'pooled over 2 transcripts (1 more could not be read: bad.srt)',
      'model A models/verbal (verbal-a)',
      'model B /tmp/b (verbal-b)',
      '',
      '8 customer turns of 10; B changed the signal of 3 (37.5 %)',
      'signal changes A → B (turns):',
      '  (none) → resistance         2',
      '  purchase_intent → (none)    1',
      '1 more with the same label crossing the 0.50 a cue needs (a cue may come or go)',
      'cues: A 3, B 5, in both 2 (matched by type and media time)',
    ]);
  });
});

describe('matchCues', () => {
  it('pairs cues of one type at one media time once each; another type or time is unmatched', () => {
    const a = [cue('closing_moment', 2, 1), cue('closing_moment', 2, 2), cue('resistance', 3)];
    const b = [cue('closing_moment', 2, 7), cue('closing_moment', 3), cue('resistance', 3, 9)];
    const m = matchCues(a, b);
    expect(m.both).toBe(2);
    expect(m.onlyA.map((c) => c.id)).toEqual([2]);
    expect(m.onlyB.map((c) => [c.type, c.mediaMs])).toEqual([['closing_moment', 30_000]]);
  });
});
