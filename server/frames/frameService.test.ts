import type { SessionService } from '../pipeline/sessionService';
import type { PoseJob } from '../signals/pose';
import { FrameService, type PoseRunner } from './frameService';

/** The parts of SessionService the frame service calls, recording nothing. */
const service = {
  requireSession: () => undefined,
  addLandmarks: () => ({ frameId: 1, signals: [], cues: [] }),
  reportFrameStats: () => undefined,
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
