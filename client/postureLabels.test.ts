// Coaches' posture labels: the map the events update, the postures the timeline shows at a
// moment (the editor's pre-check), neutral's exclusivity, the agreement count, the body
// and the customer picker (which customers, select or name, re-targeting a new label).
import { POSTURE_FRAME_LABELS, type Participant, type PostureFrameLabel, type PostureLabels } from '../protocol/protocol';
import {
  agreesWithModel,
  applyPostureLabelled,
  customerChoice,
  formatFrameMs,
  initialPostureLabels,
  labelCustomers,
  modelPosturesAt,
  postureAgreement,
  postureLabelsBody,
  postureLabelsChange,
  postureLabelsOf,
  postureRemoveKey,
  postureSaveKey,
  retargetedLabels,
  toggleLabel,
  type PostureOn,
} from './postureLabels';

const pl = (frameId: number, labels: PostureFrameLabel[], extra: Partial<PostureLabels> = {}): PostureLabels => ({
  sessionId: 's1',
  frameId,
  participant: 'Li',
  mediaMs: frameId * 200,
  labels,
  note: null,
  labelledAt: 1000 + frameId,
  ...extra,
});

const on = (label: PostureOn['label'], startedMs: number, endedMs: number | null, extra: Partial<PostureOn> = {}): PostureOn => ({
  participant: 'Li',
  label,
  startedMs,
  mediaMs: startedMs + 500,
  endedMs,
  ...extra,
});

test('the snapshot list becomes a map by frame, other sessions left out', () => {
  const map = postureLabelsOf('s1', [pl(3, ['arms_crossed']), pl(5, ['neutral']), pl(7, ['open_palms'], { sessionId: 's2' })]);
  expect([...map.keys()]).toEqual([3, 5]);
  expect(postureLabelsOf('s1', []).size).toBe(0);
});

test('an event sets, replaces or removes a frame’s labels; one that changes nothing keeps the same map', () => {
  const start = postureLabelsOf('s1', [pl(3, ['arms_crossed'])]);
  const added = applyPostureLabelled(start, 's1', { sessionId: 's1', frameId: 5, labels: pl(5, ['leaning_forward']) });
  expect(added).not.toBe(start);
  expect(start.has(5)).toBe(false);
  expect(added.get(5)?.labels).toEqual(['leaning_forward']);
  // The same labels again (the saving window's echo after its answer): nothing changes.
  expect(applyPostureLabelled(added, 's1', { sessionId: 's1', frameId: 5, labels: pl(5, ['leaning_forward']) })).toBe(added);
  const replaced = applyPostureLabelled(added, 's1', { sessionId: 's1', frameId: 5, labels: pl(5, ['leaning_back'], { labelledAt: 9000, note: 'pulls away' }) });
  expect(replaced.get(5)).toMatchObject({ labels: ['leaning_back'], note: 'pulls away' });
  // An older event (an echo overtaken by a later answer) does not undo the newer labels.
  expect(applyPostureLabelled(replaced, 's1', { sessionId: 's1', frameId: 5, labels: pl(5, ['leaning_forward']) })).toBe(replaced);
  const removed = applyPostureLabelled(replaced, 's1', { sessionId: 's1', frameId: 5, labels: null });
  expect(removed.has(5)).toBe(false);
  expect(applyPostureLabelled(removed, 's1', { sessionId: 's1', frameId: 5, labels: null })).toBe(removed);
  // Another session's event, or none shown.
  expect(applyPostureLabelled(start, 's1', { sessionId: 's2', frameId: 9, labels: pl(9, ['neutral'], { sessionId: 's2' }) })).toBe(start);
  expect(applyPostureLabelled(start, null, { sessionId: 's1', frameId: 9, labels: pl(9, ['neutral']) })).toBe(start);
});

test('the postures the timeline shows on at a moment, for that participant, as frame labels', () => {
  const signals = [
    on('arms_crossed', 1000, 5000),
    on('leaning_back', 4000, null), // open: runs on
    on('nodding', 0, 10_000), // movement: no frame shows it
    on('open_palms', 2000, 3000, { participant: 'Wang' }),
    { participant: 'Li', label: 'legs_crossed' as const, startedMs: 3000, mediaMs: 2500, endedMs: 4000 }, // the bar starts at the earlier
  ];
  expect(modelPosturesAt(signals, 'Li', 500)).toEqual([]);
  expect(modelPosturesAt(signals, 'Li', 1000)).toEqual(['arms_crossed']);
  expect(modelPosturesAt(signals, 'Li', 2600)).toEqual(['arms_crossed', 'legs_crossed']);
  expect(modelPosturesAt(signals, 'Li', 4500)).toEqual(['arms_crossed', 'leaning_back']);
  expect(modelPosturesAt(signals, 'Li', 5000)).toEqual(['leaning_back']); // the end is not included
  expect(modelPosturesAt(signals, 'Li', 99_000)).toEqual(['leaning_back']);
  expect(modelPosturesAt(signals, 'Wang', 2500)).toEqual(['open_palms']);
});

test('the editor opens on the coach’s labels, else the model’s postures, with neutral when none is a main one', () => {
  expect(initialPostureLabels(pl(1, ['sitting_far', 'leaning_forward']), ['arms_crossed'])).toEqual(['leaning_forward', 'sitting_far']);
  expect(initialPostureLabels(undefined, ['arms_crossed', 'legs_crossed'])).toEqual(['arms_crossed', 'legs_crossed']);
  expect(initialPostureLabels(undefined, ['legs_crossed'])).toEqual(['legs_crossed', 'neutral']);
  expect(initialPostureLabels(undefined, [])).toEqual(['neutral']);
});

test('neutral and the main labels exclude each other; the others go with either', () => {
  expect(toggleLabel(['arms_crossed', 'legs_crossed'], 'neutral', true)).toEqual(['legs_crossed', 'neutral']);
  expect(toggleLabel(['neutral', 'sitting_far'], 'open_palms', true)).toEqual(['open_palms', 'sitting_far']);
  expect(toggleLabel(['neutral'], 'legs_crossed', true)).toEqual(['legs_crossed', 'neutral']);
  expect(toggleLabel(['arms_crossed', 'leaning_back'], 'arms_crossed', false)).toEqual(['leaning_back']);
  expect(toggleLabel([], 'arms_crossed', true)).toEqual(['arms_crossed']);
  // Whatever is toggled, the result is never a mix the server refuses, and is in contract order.
  for (const a of POSTURE_FRAME_LABELS)
    for (const b of POSTURE_FRAME_LABELS) {
      const r = toggleLabel(toggleLabel([], a, true), b, true);
      expect(r.includes('neutral') && r.some((l) => ['arms_crossed', 'leaning_forward', 'leaning_back', 'open_palms'].includes(l))).toBe(false);
      expect(r).toEqual(POSTURE_FRAME_LABELS.filter((l) => r.includes(l)));
    }
});

test('the model agrees when the coach’s labels but neutral are exactly the postures shown', () => {
  expect(agreesWithModel(['arms_crossed'], ['arms_crossed'])).toBe(true);
  expect(agreesWithModel(['neutral'], [])).toBe(true);
  expect(agreesWithModel(['legs_crossed', 'neutral'], ['legs_crossed'])).toBe(true);
  expect(agreesWithModel(['neutral'], ['legs_crossed'])).toBe(false);
  expect(agreesWithModel(['arms_crossed', 'leaning_back'], ['arms_crossed'])).toBe(false); // the model missed one
  expect(agreesWithModel(['arms_crossed'], ['arms_crossed', 'leaning_back'])).toBe(false); // the model saw one too many
  expect(agreesWithModel(['leaning_forward'], [])).toBe(false);
});

test('the header’s count: frames labelled and those the model agrees on, customers only', () => {
  const labels = postureLabelsOf('s1', [pl(1, ['arms_crossed']), pl(2, ['neutral']), pl(3, ['open_palms']), pl(4, ['neutral'], { participant: 'Wang' })]);
  const modelAt = (participant: string, ms: number): PostureFrameLabel[] => (participant === 'Li' && ms <= 400 ? ['arms_crossed'] : []);
  expect(postureAgreement(labels, modelAt)).toEqual({ labelled: 4, agree: 2 });
  expect(postureAgreement(labels, modelAt, (p) => p === 'Li')).toEqual({ labelled: 3, agree: 1 });
  expect(postureAgreement(new Map(), modelAt)).toEqual({ labelled: 0, agree: 0 });
});

test('a Save’s body and whether it changes anything', () => {
  expect(postureLabelsBody('Li', 4200.4, ['sitting_far', 'arms_crossed'], '  ')).toEqual({ participant: 'Li', mediaMs: 4200, labels: ['arms_crossed', 'sitting_far'] });
  expect(postureLabelsBody('Li', 0, ['neutral'], ' relaxed ')).toEqual({ participant: 'Li', mediaMs: 0, labels: ['neutral'], note: 'relaxed' });
  const held = pl(1, ['arms_crossed'], { note: 'tight' });
  expect(postureLabelsChange(undefined, ['neutral'], '')).toBe(true);
  expect(postureLabelsChange(held, ['arms_crossed'], ' tight ')).toBe(false);
  expect(postureLabelsChange(held, ['arms_crossed'], '')).toBe(true);
  expect(postureLabelsChange(held, ['arms_crossed', 'legs_crossed'], 'tight')).toBe(true);
});

test('request keys and frame times', () => {
  expect(postureSaveKey('s1', 'Li')).not.toBe(postureSaveKey('s1', 'Wang'));
  expect(postureRemoveKey('s1', 3)).not.toBe(postureRemoveKey('s2', 3));
  expect(formatFrameMs(42_400)).toBe('0:42.4');
  expect(formatFrameMs(61_960)).toBe('1:02.0');
  expect(formatFrameMs(3_723_000)).toBe('1:02:03.0');
});

test('the customers a label can go to: the session’s customers, in its order, once each', () => {
  const people: Participant[] = [
    { name: 'Zhou', role: 'rep' },
    { name: 'Li', role: 'customer' },
    { name: 'Guest', role: null },
    { name: 'Wang', role: 'customer' },
    { name: 'Li', role: 'customer' },
  ];
  expect(labelCustomers(people)).toEqual(['Li', 'Wang']);
  expect(labelCustomers([{ name: 'Zhou', role: 'rep' }])).toEqual([]);
  expect(labelCustomers([])).toEqual([]);
});

test('the customer picker: on a new label with two or more customers; the name as text on a label already given; nothing with one', () => {
  const two = ['Li', 'Wang'];
  expect(customerChoice(two, { frameId: null, participant: 'Wang' })).toBe('select');
  expect(customerChoice(two, { frameId: 12, participant: 'Wang' })).toBe('fixed');
  expect(customerChoice(['Li'], { frameId: null, participant: 'Li' })).toBe('none');
  expect(customerChoice(['Li'], { frameId: 12, participant: 'Li' })).toBe('none');
  // A participant no longer a customer (labels kept, only removable): no picker, no "Customer" line.
  expect(customerChoice(two, { frameId: 12, participant: 'Zhou' })).toBe('none');
  expect(customerChoice(two, { frameId: null, participant: 'Zhou' })).toBe('none');
  expect(customerChoice([], { frameId: null, participant: 'Li' })).toBe('none');
});

test('re-targeting a new label: pre-checked again for the other customer while untouched, the coach’s checks kept once touched', () => {
  // Untouched: what the timeline shows on for the new customer then, neutral when no main one.
  expect(retargetedLabels(['arms_crossed'], false, [])).toEqual(['neutral']);
  expect(retargetedLabels(['neutral'], false, ['leaning_back', 'legs_crossed'])).toEqual(['leaning_back', 'legs_crossed']);
  expect(retargetedLabels(['neutral'], false, ['legs_crossed'])).toEqual(['legs_crossed', 'neutral']);
  // Touched: the coach's own choice, whatever the timeline shows for the other customer.
  expect(retargetedLabels(['sitting_far', 'open_palms'], true, ['arms_crossed'])).toEqual(['open_palms', 'sitting_far']);
  expect(retargetedLabels([], true, ['arms_crossed'])).toEqual([]); // cleared by the coach: stays cleared (Save says to check one)
});
