import { CUE_SWEEP_GRID, sweepCues } from './cueSweep';
import { cueRows, verbalCue } from './cueTestkit';

/** Rows of one session at distinct media times: [label, trigger score, useful?]. */
function rows(cues: ReadonlyArray<[string, number, boolean]>, extra: ReadonlyArray<Record<string, unknown>> = []) {
  return cueRows([
    ...cues.map(([label, score, useful], i) => ({ ...verbalCue(label, score, 1000 * (i + 1)), verdict: useful ? 'useful' : 'false_alarm' })),
    ...extra,
  ]);
}

describe('sweepCues', () => {
  it('grid 0.50…0.95 as written decimals', () => {
    expect(CUE_SWEEP_GRID).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
  });

  it('counts what each threshold keeps of a label\'s reviewed cues (a score equal to it is kept) and picks the best precision keeping ≥ 80 % of the useful', () => {
    const s = sweepCues(rows([
      ['price_inquiry', 0.55, false], ['price_inquiry', 0.6, false], ['price_inquiry', 0.7, true], ['price_inquiry', 0.8, true],
      ['price_inquiry', 0.9, true], ['price_inquiry', 0.95, true], ['price_inquiry', 0.97, true], ['price_inquiry', 0.65, false],
    ]));
    expect(s.labels).toHaveLength(1);
    const l = s.labels[0]!;
    expect([l.label, l.reviewed, l.useful, l.falseAlarms, l.minScore]).toEqual(['price_inquiry', 8, 5, 3, 0.55]);
    const at = (t: number) => l.points.find((p) => p.threshold === t)!;
    expect(at(0.5)).toEqual({ threshold: 0.5, usefulKept: 5, falseAlarmsKept: 3, precision: 5 / 8, usefulLost: 0 });
    expect(at(0.6)).toEqual({ threshold: 0.6, usefulKept: 5, falseAlarmsKept: 2, precision: 5 / 7, usefulLost: 0 });
    expect(at(0.7)).toEqual({ threshold: 0.7, usefulKept: 5, falseAlarmsKept: 0, precision: 1, usefulLost: 0 });
    expect(at(0.95)).toEqual({ threshold: 0.95, usefulKept: 2, falseAlarmsKept: 0, precision: 1, usefulLost: 3 });
    // 0.7, 0.75 and 0.8 all reach precision 1 keeping ≥ 4 of 5: the lowest is picked.
    expect(l.best).toBe(0.7);
    expect(s.best).toEqual({ price_inquiry: 0.7 });
  });

  it('the 80 % rule holds back a threshold that would lose more useful cues, whatever its precision', () => {
    // 0.85 would drop both false alarms, but also 2 of the 5 useful ones (keeps 60 %).
    const s = sweepCues(rows([['resistance', 0.81, false], ['resistance', 0.55, false], ['resistance', 0.6, true], ['resistance', 0.82, true], ['resistance', 0.9, true], ['resistance', 0.9, true], ['resistance', 0.9, true]]));
    const l = s.labels[0]!;
    expect(l.points.find((p) => p.threshold === 0.85)).toMatchObject({ usefulKept: 3, falseAlarmsKept: 0, precision: 1, usefulLost: 2 });
    expect(l.points.find((p) => p.threshold === 0.6)).toMatchObject({ usefulKept: 5, falseAlarmsKept: 1, precision: 5 / 6 });
    expect(l.points.find((p) => p.threshold === 0.8)).toMatchObject({ usefulKept: 4, falseAlarmsKept: 1, precision: 0.8 });
    expect(l.best).toBe(0.6);
    // Exactly 80 % (4 of 5) is enough: with a keep share of 0.8, a threshold keeping 4 counts.
    expect(sweepCues(rows([['resistance', 0.6, true], ['resistance', 0.7, false], ['resistance', 0.9, true], ['resistance', 0.9, true], ['resistance', 0.9, true], ['resistance', 0.9, true]])).labels[0]!.best).toBe(0.75);
  });

  it('nothing better than 0.50: the best is 0.50 and no --thresholds value is given; a label with no useful cue has no pick', () => {
    const s = sweepCues(rows([['purchase_intent', 0.9, true], ['purchase_intent', 0.95, false], ['discount_request', 0.7, false], ['discount_request', 0.99, false]]));
    expect(s.labels.map((l) => [l.label, l.best])).toEqual([['discount_request', null], ['purchase_intent', 0.5]]);
    expect(s.best).toEqual({});
  });

  it('leaves out and counts posture-triggered, unidentified and not-emitted rows; lists the verbal models', () => {
    const s = sweepCues(rows([['price_inquiry', 0.9, true]], [
      { session: 'p', reason: 'benefit_acknowledged', technique: 'assumptive_close', evidence: [{ kind: 'posture', label: 'nodding', score: 0.7, media_ms: 5000, text: '' }] },
      { session: 'u', evidence: [{ kind: 'verbal', label: 'price_inquiry', score: 0.7, media_ms: 1, text: '' }] },
      { session: 'n', emitted: false },
      { session: 'm', model_version: 'verbal-b+posture-c', ...verbalCue('price_inquiry', 0.6, 9) },
    ]));
    expect([s.swept, s.postureTriggered, s.unidentified]).toEqual([2, 1, 1]);
    expect(s.firstUnidentified).toEqual({ line: 3, why: "its last verbal evidence is at 1 ms, not at the cue's 5000 ms" });
    expect(s.verbalModels).toEqual(['verbal-20261130-ede7e5a6', 'verbal-b']);
    expect(s.labels[0]!.reviewed).toBe(2);
  });
});
