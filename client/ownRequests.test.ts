// Which `reanalysed` echoes are this window's own: those for a session while its request runs.
import { OwnRequests } from './ownRequests';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('an echo is own while the request for that session is under way, and not after', async () => {
  const own = new OwnRequests();
  const answer = deferred<string>();
  const run = own.run('s1', () => answer.promise);
  expect(own.isOwnEcho('s1')).toBe(true);
  expect(own.isOwnEcho('s2')).toBe(false); // another session's echo is read
  answer.resolve('snapshot');
  await expect(run).resolves.toBe('snapshot');
  expect(own.isOwnEcho('s1')).toBe(false); // an echo after the answer is read once more
});

test('a refused request stops counting too, and its error reaches the caller', async () => {
  const own = new OwnRequests();
  const answer = deferred<string>();
  const run = own.run('s1', () => answer.promise);
  answer.reject(new Error('shutting_down'));
  await expect(run).rejects.toThrow('shutting_down');
  expect(own.isOwnEcho('s1')).toBe(false);
  // A request that throws before it is sent.
  await expect(
    own.run('s1', () => {
      throw new Error('bad');
    }),
  ).rejects.toThrow('bad');
  expect(own.isOwnEcho('s1')).toBe(false);
});

test('overlapping requests for one session (a roles save and a Re-analyse): own until the last settles', async () => {
  const own = new OwnRequests();
  const save = deferred<void>();
  const reanalyse = deferred<void>();
  const a = own.run('s1', () => save.promise);
  const b = own.run('s1', () => reanalyse.promise);
  save.resolve();
  await a;
  expect(own.isOwnEcho('s1')).toBe(true);
  reanalyse.resolve();
  await b;
  expect(own.isOwnEcho('s1')).toBe(false);
});
