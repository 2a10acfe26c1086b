// Coaches' labels: the map the events update, what the editor opens on, and the agreement count.
import { LIMITS, type Correction, type VerbalLabel } from '../protocol/protocol';
import { agreement, applyCorrected, changes, correctionBody, correctionsOf, disagrees, initialLabel, modelLabel, turnKey } from './corrections';

const c = (utteranceId: number, label: VerbalLabel, extra: Partial<Correction> = {}): Correction => ({
  sessionId: 's1',
  utteranceId,
  label,
  note: null,
  correctedAt: 1000 + utteranceId,
  ...extra,
});

test('the snapshot list becomes a map by turn, other sessions left out', () => {
  const map = correctionsOf('s1', [c(3, 'resistance'), c(5, 'neutral'), c(7, 'price_inquiry', { sessionId: 's2' })]);
  expect([...map.keys()]).toEqual([3, 5]);
  expect(map.get(3)?.label).toBe('resistance');
  expect(correctionsOf('s1', []).size).toBe(0);
});

test('a corrected event sets, replaces or removes a turn’s label; one that changes nothing keeps the same map', () => {
  const start = correctionsOf('s1', [c(3, 'resistance')]);
  const added = applyCorrected(start, 's1', { sessionId: 's1', utteranceId: 5, correction: c(5, 'price_inquiry') });
  expect(added).not.toBe(start);
  expect(start.has(5)).toBe(false); // not changed in place
  expect(added.get(5)?.label).toBe('price_inquiry');

  const replaced = applyCorrected(added, 's1', { sessionId: 's1', utteranceId: 5, correction: c(5, 'discount_request', { note: 'asked for 10%', correctedAt: 9999 }) });
  expect(replaced.get(5)).toMatchObject({ label: 'discount_request', note: 'asked for 10%' });

  // The same again (this window's answer, then its echo arriving late): nothing to redraw.
  expect(applyCorrected(replaced, 's1', { sessionId: 's1', utteranceId: 5, correction: replaced.get(5)! })).toBe(replaced);

  const removed = applyCorrected(replaced, 's1', { sessionId: 's1', utteranceId: 5, correction: null });
  expect([...removed.keys()]).toEqual([3]);
  // A removal of a label not held, another session's event, or none shown: unchanged.
  expect(applyCorrected(removed, 's1', { sessionId: 's1', utteranceId: 5, correction: null })).toBe(removed);
  expect(applyCorrected(removed, 's1', { sessionId: 's2', utteranceId: 3, correction: null })).toBe(removed);
  expect(applyCorrected(removed, null, { sessionId: 's1', utteranceId: 3, correction: null })).toBe(removed);
});

test('the event’s turn and session name the map entry, whatever its correction says', () => {
  const map = applyCorrected(new Map(), 's1', { sessionId: 's1', utteranceId: 8, correction: c(99, 'resistance', { sessionId: 'other' }) });
  expect(map.get(8)).toMatchObject({ sessionId: 's1', utteranceId: 8, label: 'resistance' });
});

test('the model said its signal’s label, or neutral for a turn without a signal', () => {
  expect(modelLabel({ label: 'price_inquiry' })).toBe('price_inquiry');
  expect(modelLabel(undefined)).toBe('neutral');
});

test('the editor opens on the coach’s label, else on the model’s', () => {
  expect(initialLabel(c(1, 'resistance'), { label: 'price_inquiry' })).toBe('resistance');
  expect(initialLabel(undefined, { label: 'price_inquiry' })).toBe('price_inquiry');
  expect(initialLabel(undefined, undefined)).toBe('neutral');
  // A coach's "no signal" is kept, not taken for "no label".
  expect(initialLabel(c(1, 'neutral'), { label: 'purchase_intent' })).toBe('neutral');
});

test('a disagreement is the coach’s label against the signal’s, or against neutral without one', () => {
  expect(disagrees(c(1, 'resistance'), { label: 'price_inquiry' })).toBe(true);
  expect(disagrees(c(1, 'price_inquiry'), { label: 'price_inquiry' })).toBe(false);
  expect(disagrees(c(1, 'neutral'), undefined)).toBe(false);
  expect(disagrees(c(1, 'purchase_intent'), undefined)).toBe(true);
  expect(disagrees(c(1, 'neutral'), { label: 'neutral' })).toBe(false);
});

test('agreement counts the turns labelled and those the model got right', () => {
  const signals = new Map<number, { label: VerbalLabel }>([
    [1, { label: 'price_inquiry' }],
    [2, { label: 'resistance' }],
  ]);
  const map = correctionsOf('s1', [c(1, 'price_inquiry'), c(2, 'neutral'), c(3, 'neutral'), c(4, 'purchase_intent')]);
  expect(agreement(map, (id) => signals.get(id))).toEqual({ labelled: 4, agree: 2 });
  expect(agreement(new Map(), (id) => signals.get(id))).toEqual({ labelled: 0, agree: 0 });
  // Labels of turns not counted (no longer a customer's, not shown) are left out.
  expect(agreement(map, (id) => signals.get(id), (id) => id !== 4)).toEqual({ labelled: 3, agree: 2 });
});

test('a Save sends the label and the trimmed note, no note when it is blank', () => {
  expect(correctionBody('resistance', '  too pricey, said twice \n')).toEqual({ label: 'resistance', note: 'too pricey, said twice' });
  expect(correctionBody('neutral', '   ')).toEqual({ label: 'neutral' });
  const max = 'x'.repeat(LIMITS.correctionNoteMaxChars);
  expect(correctionBody('neutral', ` ${max} `)).toEqual({ label: 'neutral', note: max }); // within the limit once trimmed, as the server counts
});

test('a Save changes something unless the label and the note are those held', () => {
  expect(changes(undefined, 'price_inquiry', '')).toBe(true); // a first label, even the model's, is news
  expect(changes(c(1, 'resistance'), 'resistance', '  ')).toBe(false);
  expect(changes(c(1, 'resistance'), 'neutral', '')).toBe(true);
  expect(changes(c(1, 'resistance', { note: 'n' }), 'resistance', ' n ')).toBe(false);
  expect(changes(c(1, 'resistance', { note: 'n' }), 'resistance', '')).toBe(true);
});

test('a turn’s key names the session and the turn', () => {
  expect(turnKey('s1', 12)).not.toBe(turnKey('s1', 1));
  expect(turnKey('s1', 12)).not.toBe(turnKey('s11', 2));
});
