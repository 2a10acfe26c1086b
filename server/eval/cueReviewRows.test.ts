import { DatasetError } from '../signals/verbal/corpus';
import { cueRowField, parseCueReviewsJsonl } from './cueReviewRows';
import { exportRow } from './cueTestkit';

const jsonl = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');
const parse = (rows: readonly unknown[]) => parseCueReviewsJsonl(jsonl(rows), 'reviews.jsonl');

describe('parseCueReviewsJsonl', () => {
  it('reads an emitted row and a not-emitted one, keeping every scalar field for --by and noting the nested ones', () => {
    const text = `\uFEFF${JSON.stringify(exportRow({ batch: ' b1 ', checked: true }))}\r\n\r\n${JSON.stringify({ session: 's1', cue_type: 'resistance', media_ms: 70000, verdict: 'false_alarm', reviewed_at: 1, emitted: false, note: null })}\n`;
    const [a, b] = parseCueReviewsJsonl(text, 'f');
    expect(a).toMatchObject({
      line: 1, session: 's1', cueType: 'closing_moment', mediaMs: 5000, verdict: 'useful', note: 'on time', reviewedAt: 1764484134000,
      cue: { reason: 'buying_signal', score: 0.985, technique: 'direct_request', modelVersion: 'verbal-20261130-ede7e5a6', evidence: [{ kind: 'verbal', label: 'price_inquiry', score: 0.985, mediaMs: 5000, text: 'How much would it cost?' }] },
      nestedFields: ['evidence'],
    });
    expect(cueRowField(a!, 'batch')).toBe('b1');
    expect(cueRowField(a!, 'checked')).toBe('true');
    expect(cueRowField(a!, 'media_ms')).toBe('5000');
    expect(cueRowField(a!, 'constructor')).toBeUndefined();
    expect(b).toMatchObject({ line: 3, cueType: 'resistance', verdict: 'false_alarm' });
    expect(b!.cue).toBeUndefined();
    expect(b!.note).toBeUndefined();
    expect(cueRowField(b!, 'reason')).toBeUndefined();
    expect(cueRowField(b!, 'emitted')).toBe('false');
  });

  it.each([
    ['not JSON', '{"session":', 1, undefined, /not valid JSON/],
    ['an array', [1], 1, undefined, /row is not a JSON object/],
    ['no session', exportRow({ session: undefined }), 1, 'session', /is missing/],
    ['an empty session', exportRow({ session: ' ' }), 1, 'session', /non-empty string/],
    ['an unknown cue type', exportRow({ cue_type: 'closing' }), 1, 'cue_type', /unknown cue type "closing" \(allowed: closing_moment, resistance\)/],
    ['media_ms as text', exportRow({ media_ms: '5000' }), 1, 'media_ms', /whole number of milliseconds/],
    ['a negative media_ms', exportRow({ media_ms: -1 }), 1, 'media_ms', /whole number/],
    ['an unknown verdict', exportRow({ verdict: 'maybe' }), 1, 'verdict', /unknown verdict "maybe" \(allowed: useful, false_alarm\)/],
    ['a note not a string', exportRow({ note: 5 }), 1, 'note', /must be a string, got 5/],
    ['no reviewed_at', exportRow({ reviewed_at: undefined }), 1, 'reviewed_at', /is missing/],
    ['no emitted', exportRow({ emitted: undefined }), 1, 'emitted', /is missing/],
    ['emitted as text', exportRow({ emitted: 'yes' }), 1, 'emitted', /true or false, got "yes"/],
    ['an emitted row without reason', exportRow({ reason: undefined }), 1, 'reason', /is missing/],
    ['an unknown reason', exportRow({ reason: 'gut_feeling' }), 1, 'reason', /unknown reason "gut_feeling" \(allowed: buying_signal,/],
    ['a reason of the other type', exportRow({ reason: 'customer_resists' }), 1, 'reason', /customer_resists is not a reason of a closing_moment cue/],
    ['a score over 1', exportRow({ score: 1.5 }), 1, 'score', /from 0 to 1, got 1.5/],
    ['an unknown technique', exportRow({ technique: 'hard_sell' }), 1, 'technique', /unknown technique/],
    ['no model_version', exportRow({ model_version: undefined }), 1, 'model_version', /is missing/],
    ['evidence not an array', exportRow({ evidence: {} }), 1, 'evidence', /must be an array, got an object/],
    ['evidence of another kind', exportRow({ evidence: [{ kind: 'gaze', label: 'x', score: 1, media_ms: 0, text: '' }] }), 1, 'evidence.0.kind', /"verbal" or "posture"/],
    ['evidence without a score', exportRow({ evidence: [{ kind: 'verbal', label: 'x', media_ms: 0, text: '' }] }), 1, 'evidence.0.score', /is missing/],
    ['evidence with a fractional media_ms', exportRow({ evidence: [{ kind: 'verbal', label: 'x', score: 1, media_ms: 1.5, text: '' }] }), 1, 'evidence.0.media_ms', /whole number/],
  ])('refuses %s, naming the file, line and field', (_what, row, line, field, problem) => {
    const text = typeof row === 'string' ? row : JSON.stringify(row);
    let err: unknown;
    try {
      parseCueReviewsJsonl(`\n${text}`, 'reviews.jsonl');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    const d = err as DatasetError;
    expect([d.source, d.line, d.field]).toEqual(['reviews.jsonl', line + 1, field]);
    expect(d.message).toMatch(problem);
    expect(d.message).toMatch(new RegExp(`^reviews\\.jsonl:${line + 1}: ${field ? `field "${field.replace(/\./g, '\\.')}": ` : ''}`));
  });

  it('a not-emitted row needs none of the cue fields, and what it has of them is not checked', () => {
    const rows = parse([{ session: 's', cue_type: 'resistance', media_ms: 0, verdict: 'useful', reviewed_at: 0, emitted: false, reason: 'whatever' }]);
    expect(rows[0]!.cue).toBeUndefined();
    expect(cueRowField(rows[0]!, 'reason')).toBe('whatever');
  });

  it('refuses a second verdict on one moment (two downloads joined), naming both lines', () => {
    expect(() => parse([exportRow(), exportRow({ session: 's2' }), exportRow({ verdict: 'false_alarm' })])).toThrow(
      /^reviews\.jsonl:3: the same moment as line 1 \(session "s1", closing_moment at media_ms 5000\)/,
    );
    // The same media time of another type, or of another session, is another moment.
    expect(parse([exportRow(), exportRow({ session: 's2' }), exportRow({ cue_type: 'resistance', reason: 'customer_resists', technique: 'address_objection' })])).toHaveLength(3);
  });

  it('an empty file is no rows (the command refuses it)', () => {
    expect(parseCueReviewsJsonl('\n \r\n', 'f')).toEqual([]);
  });
});
