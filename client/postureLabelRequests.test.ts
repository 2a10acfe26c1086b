// This window's posture-label requests and the room's events: its own echo is not applied
// again, another coach's label that comes while a save is under way is.
import type { PostureLabels } from '../protocol/protocol';
import { PostureLabelRequests } from './postureLabelRequests';
import type { PostureLabelledEvent } from './postureLabels';

const labels = (frameId: number, participant = 'Li', labelledAt = 1): PostureLabels => ({
  sessionId: 's1',
  frameId,
  participant,
  mediaMs: frameId * 200,
  labels: ['leaning_forward'],
  note: null,
  labelledAt,
});

function setup() {
  const applied: PostureLabelledEvent[] = [];
  let resolvePut: (l: PostureLabels) => void = () => {};
  let rejectPut: (e: Error) => void = () => {};
  let resolveDelete: (b: boolean) => void = () => {};
  const req = new PostureLabelRequests(
    {
      put: () =>
        new Promise<PostureLabels>((res, rej) => {
          resolvePut = res;
          rejectPut = rej;
        }),
      delete: () => new Promise<boolean>((res) => (resolveDelete = res)),
    },
    (ev) => applied.push(ev),
  );
  return { req, applied, put: (l: PostureLabels) => resolvePut(l), refuse: (e: Error) => rejectPut(e), deleted: (b: boolean) => resolveDelete(b) };
}

const body = { participant: 'Li', mediaMs: 4000, labels: ['leaning_forward' as const] };

test('events of other windows are applied as they come', () => {
  const { req, applied } = setup();
  req.onEvent({ sessionId: 's1', frameId: 20, labels: labels(20) });
  req.onEvent({ sessionId: 's1', frameId: 20, labels: null });
  expect(applied.map((e) => [e.frameId, e.labels === null])).toEqual([
    [20, false],
    [20, true],
  ]);
});

test('a save: its echo (before the answer) is not applied, the answer is, once; another coach’s label meanwhile is applied after it', async () => {
  const { req, applied, put } = setup();
  const saving = req.save('s1', body);
  req.onEvent({ sessionId: 's1', frameId: 20, labels: labels(20) }); // the echo
  req.onEvent({ sessionId: 's1', frameId: 35, labels: labels(35) }); // another coach, same customer, another frame
  req.onEvent({ sessionId: 's1', frameId: 50, labels: labels(50, 'Wang') }); // another customer: applied at once
  expect(applied.map((e) => e.frameId)).toEqual([50]);
  put(labels(20));
  await expect(saving).resolves.toMatchObject({ frameId: 20 });
  expect(applied.map((e) => e.frameId)).toEqual([50, 20, 35]);
  // An echo after the answer (a slow socket) reaches the page, whose map finds it unchanged.
  req.onEvent({ sessionId: 's1', frameId: 20, labels: labels(20) });
  expect(applied.map((e) => e.frameId)).toEqual([50, 20, 35, 20]);
});

test('a refused save sent nothing: what was held is another coach’s, and is applied', async () => {
  const { req, applied, refuse } = setup();
  const saving = req.save('s1', body);
  req.onEvent({ sessionId: 's1', frameId: 20, labels: labels(20) });
  refuse(new Error('no_frame'));
  await expect(saving).rejects.toThrow('no_frame');
  expect(applied.map((e) => e.frameId)).toEqual([20]);
});

test('a removal: its echo is not applied, the answer is', async () => {
  const { req, applied, deleted } = setup();
  const removing = req.remove('s1', 20);
  req.onEvent({ sessionId: 's1', frameId: 20, labels: null });
  req.onEvent({ sessionId: 's1', frameId: 21, labels: null }); // another frame: another window's
  deleted(true);
  await expect(removing).resolves.toBe(true);
  expect(applied.map((e) => [e.frameId, e.labels])).toEqual([
    [21, null],
    [20, null],
  ]);
});
