import type { SessionService } from '../pipeline/sessionService';
import type { PoseJob, PoseJobResult } from '../signals/pose';
import { FrameService, type PoseRunner } from './frameService';

/** The parts of SessionService the frame service calls, recording nothing. */
const service = {
  requireSession: () => ({ participants: [] }),
  addLandmarks: () => ({ frameId: 1, signals: [], cues: [] }),
  reportFrameStats: () => undefined,
  trackWork: () => () => true,
  onEvent: () => () => true,
} as unknown as SessionService;

describe('FrameService person hints', () => {
  it('keeps a participant\'s person box for their later frames until cleared, per participant', async () => {
    const jobs: PoseJob[] = [];
    const runner: PoseRunner = {
      run: (job) => {
        jobs.push(job);
        return Promise.resolve({ poses: [], decodeMs: 0, poseMs: 0, width: 4, height: 3, worker: 0 });
      },
      close: () => Promise.resolve(),
    };
    const frames = new FrameService(service, () => Promise.resolve(runner), { queueCapacity: 8 });
    const box = { xMin: 0.1, yMin: 0.2, width: 0.3, height: 0.6 };
    const bytes = new Uint8Array([1]);
    const sent = [
      frames.submit('s', 'Dana', 0, bytes),
      frames.submit('s', 'Dana', 40, bytes, box),
      frames.submit('s', 'Dana', 80, bytes),
      frames.submit('s', 'Lee', 80, bytes),
      frames.submit('s', 'Dana', 120, bytes, null),
    ];
    await Promise.all(sent.map((s) => s.done));
    const of = (who: string) => jobs.filter((j) => j.trackId!.endsWith(who)).map((j) => [j.mediaMs, j.person?.box]);
    expect(of('Dana')).toEqual([
      [0, undefined],
      [40, box],
      [80, box],
      [120, undefined],
    ]);
    expect(of('Lee')).toEqual([[80, undefined]]);
    await frames.close();
  });
});

describe('FrameService bounds', () => {
  /** A pool that holds every job until released. */
  function stalledRunner() {
    const waiting: (() => void)[] = [];
    const runner: PoseRunner = {
      run: () => new Promise<PoseJobResult>((resolve) => waiting.push(() => resolve({ poses: [], decodeMs: 0, poseMs: 0, width: 4, height: 3, worker: 0 }))),
      close: () => Promise.resolve(),
    };
    return { runner, release: () => waiting.splice(0).forEach((go) => go()) };
  }

  it('holds at most maxFramesHeld frames across all participants and sessions, then answers busy until some are done', async () => {
    const { runner, release } = stalledRunner();
    const frames = new FrameService(service, () => Promise.resolve(runner), { queueCapacity: 4, maxFramesHeld: 10 });
    const bytes = new Uint8Array([1]);
    // One participant per frame: each queue holds one, so the per-participant bound never drops any.
    const sent = Array.from({ length: 10 }, (_, i) => frames.submit(`s${i % 3}`, `P${i}`, 0, bytes));
    expect(() => frames.submit('s9', 'Someone new', 0, bytes)).toThrow(expect.objectContaining({ code: 'busy', status: 503 }));
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all(sent.map((s) => s.done));
    expect(() => frames.submit('s9', 'Someone new', 0, bytes)).not.toThrow();
    release();
    await new Promise((r) => setImmediate(r));
    release();
    await frames.close();
  });

  it('holds at most maxBytesHeld bytes of frames', async () => {
    const { runner, release } = stalledRunner();
    const frames = new FrameService(service, () => Promise.resolve(runner), { maxBytesHeld: 1000 });
    const first = frames.submit('s', 'A', 0, new Uint8Array(600));
    expect(() => frames.submit('s', 'B', 0, new Uint8Array(600))).toThrow(expect.objectContaining({ code: 'busy' }));
    expect(() => frames.submit('s', 'B', 0, new Uint8Array(400))).not.toThrow();
    await new Promise((r) => setImmediate(r));
    release();
    await first.done;
    await new Promise((r) => setImmediate(r));
    release();
    await frames.close();
  });

  it('refuses a new participant beyond the session limit before estimating the frame', async () => {
    const jobs: PoseJob[] = [];
    const runner: PoseRunner = {
      run: (job) => (jobs.push(job), Promise.resolve({ poses: [], decodeMs: 0, poseMs: 0, width: 4, height: 3, worker: 0 })),
      close: () => Promise.resolve(),
    };
    const full = { ...service, requireSession: () => ({ participants: Array.from({ length: 50 }, (_, i) => ({ name: `P${i}`, role: null })) }) } as unknown as SessionService;
    const frames = new FrameService(full, () => Promise.resolve(runner));
    expect(() => frames.submit('s', 'P50', 0, new Uint8Array([1]))).toThrow(expect.objectContaining({ code: 'invalid_input', details: { field: 'participant', limit: 50, actual: 51 } }));
    await frames.submit('s', 'P49', 0, new Uint8Array([1])).done;
    expect(jobs.map((j) => j.trackId)).toEqual(['s\u0000P49']);
    await frames.close();
  });

  it('checks a batch whole before queuing any of it: the participant limit (naming the frame) and the frames held (a refused batch was answered 400 or 503 while the frames before the refused one were stored)', async () => {
    const jobs: PoseJob[] = [];
    const runner: PoseRunner = {
      run: (job) => (jobs.push(job), Promise.resolve({ poses: [], decodeMs: 0, poseMs: 0, width: 4, height: 3, worker: 0 })),
      close: () => Promise.resolve(),
    };
    const of49 = { ...service, requireSession: () => ({ participants: Array.from({ length: 49 }, (_, i) => ({ name: `P${i}`, role: null })) }) } as unknown as SessionService;
    const frames = new FrameService(of49, () => Promise.resolve(runner), { maxFramesHeld: 3 });
    const frame = (participant: string) => ({ participant, mediaMs: 0, bytes: new Uint8Array([1]) });
    // NewA is the 50th, NewB would be the 51st: frame 2 of the batch is named.
    expect(() => frames.submitBatch('s', [frame('P0'), frame('NewA'), frame('NewB'), frame('NewA')])).toThrow(
      expect.objectContaining({ code: 'invalid_input', message: 'frames.2.participant: "NewB" would be participant 51; the session would have 51 participants; the limit is 50', details: { field: 'frames.2.participant', limit: 50, actual: 51 } }),
    );
    // Four frames where three may be held: none is queued.
    expect(() => frames.submitBatch('s', [frame('P0'), frame('P1'), frame('P2'), frame('P3')])).toThrow(expect.objectContaining({ code: 'busy', status: 503 }));
    await new Promise((r) => setImmediate(r));
    expect(jobs).toEqual([]);
    const ok = frames.submitBatch('s', [frame('P0'), frame('NewA'), frame('NewA')]);
    await Promise.all(ok.map((s) => s.done));
    expect(jobs.map((j) => j.trackId)).toEqual(['s\u0000P0', 's\u0000NewA', 's\u0000NewA'].slice(0, jobs.length));
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    await frames.close();
  });
});

describe('FrameService and a session deletion', () => {
  it("lets a deletion wait for the session's frames already queued (and only its), then forgets its person boxes and pose tracks", async () => {
    const works: ((sessionId: string) => Promise<void>)[] = [];
    const listeners: ((e: { type: string; sessionId: string }) => void)[] = [];
    const withHooks = {
      ...service,
      trackWork: (w: (sessionId: string) => Promise<void>) => (works.push(w), () => true),
      onEvent: (fn: (e: { type: string; sessionId: string }) => void) => (listeners.push(fn), () => true),
    } as unknown as SessionService;
    const waiting: { trackId: string; person: unknown; go: () => void }[] = [];
    const released: string[] = [];
    const runner: PoseRunner = {
      run: (job) => new Promise<PoseJobResult>((resolve) => waiting.push({ trackId: job.trackId!, person: job.person, go: () => resolve({ poses: [], decodeMs: 0, poseMs: 0, width: 4, height: 3, worker: 0 }) })),
      releaseTrack: (trackId) => void released.push(trackId),
      close: () => Promise.resolve(),
    };
    const frames = new FrameService(withHooks, () => Promise.resolve(runner), { queueCapacity: 4 });
    expect(works).toHaveLength(1);
    const bytes = new Uint8Array([1]);
    const box = { xMin: 0.1, yMin: 0.2, width: 0.3, height: 0.6 };
    const gone = [frames.submit('gone', 'Dana', 0, bytes, box), frames.submit('gone', 'Dana', 40, bytes), frames.submit('gone', 'Lee', 0, bytes)];
    const kept = frames.submit('kept', 'Dana', 0, bytes);
    let settled = false;
    const wait = works[0]!('gone').then(() => (settled = true));
    await expect(works[0]!('nothing-queued')).resolves.toBeUndefined();
    // Release the frames one at a time: the wait ends only once every one of "gone" is done.
    while (waiting.length > 0 || !settled) {
      await new Promise((r) => setImmediate(r));
      const next = waiting.find((w) => w.trackId.startsWith('gone'));
      if (!next) break;
      expect(settled).toBe(false);
      waiting.splice(waiting.indexOf(next), 1);
      next.go();
    }
    await wait;
    expect((await Promise.all(gone.map((g) => g.done))).map((o) => o.status)).toEqual(['processed', 'processed', 'processed']);
    expect(waiting.map((w) => w.trackId)).toEqual(['kept\u0000Dana']);
    listeners.forEach((fn) => fn({ type: 'session_deleted', sessionId: 'gone' }));
    await new Promise((r) => setImmediate(r));
    expect(released.sort()).toEqual(['gone\u0000Dana', 'gone\u0000Lee']);
    expect(frames.stats('gone', 'Dana')).toEqual({ sessionId: 'gone', participant: 'Dana', queued: 0, processed: 0, dropped: 0, failed: 0 });
    // The box set for "gone"'s Dana is forgotten: a session made again under the id starts without it.
    waiting.splice(0).forEach((w) => w.go());
    await kept.done;
    const again = frames.submit('gone', 'Dana', 80, bytes);
    await new Promise((r) => setImmediate(r));
    expect(waiting.map((w) => [w.trackId, w.person])).toEqual([['gone\u0000Dana', undefined]]);
    waiting.splice(0).forEach((w) => w.go());
    await again.done;
    await frames.close();
  });

  it('a frame still queued when its session is deleted (sent while the deletion waited) fails, and then its pose track and counters go too', async () => {
    const listeners: ((e: { type: string; sessionId: string }) => void)[] = [];
    let deleted = false;
    const withHooks = {
      ...service,
      addLandmarks: () => {
        if (deleted) throw new Error('session gone');
        return { frameId: 1, signals: [], cues: [] };
      },
      onEvent: (fn: (e: { type: string; sessionId: string }) => void) => (listeners.push(fn), () => true),
    } as unknown as SessionService;
    const order: string[] = [];
    const waiting: (() => void)[] = [];
    const runner: PoseRunner = {
      run: (job) => {
        order.push(`run ${job.mediaMs}`);
        return new Promise<PoseJobResult>((resolve) => waiting.push(() => resolve({ poses: [], decodeMs: 0, poseMs: 0, width: 4, height: 3, worker: 0 })));
      },
      releaseTrack: () => void order.push('release'),
      close: () => Promise.resolve(),
    };
    const frames = new FrameService(withHooks, () => Promise.resolve(runner), { queueCapacity: 4 });
    const bytes = new Uint8Array([1]);
    // One frame with the estimator, one waiting behind it, when the session is deleted.
    const sent = [frames.submit('gone', 'Dana', 0, bytes), frames.submit('gone', 'Dana', 40, bytes)];
    while (waiting.length === 0) await new Promise((r) => setImmediate(r));
    deleted = true;
    listeners.forEach((fn) => fn({ type: 'session_deleted', sessionId: 'gone' }));
    while (order.filter((x) => x.startsWith('run')).length < 2 || waiting.length > 0) {
      waiting.splice(0).forEach((go) => go());
      await new Promise((r) => setImmediate(r));
    }
    expect((await Promise.all(sent.map((x) => x.done))).map((o) => o.status)).toEqual(['failed', 'failed']);
    await new Promise((r) => setImmediate(r));
    // The track is released after the last frame that used it, and no counters are kept.
    expect(order[order.length - 1]).toBe('release');
    expect(order.indexOf('release', order.indexOf('run 40'))).toBeGreaterThan(order.indexOf('run 40'));
    expect(frames.stats('gone', 'Dana')).toEqual({ sessionId: 'gone', participant: 'Dana', queued: 0, processed: 0, dropped: 0, failed: 0 });
    await frames.close();
  });
});
