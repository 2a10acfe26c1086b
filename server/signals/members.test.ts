import { runMemberJobs } from './members';
import { DEFAULT_TRAIN_OPTIONS } from './verbal/train';

describe('runMemberJobs', () => {
  it('fails the run with the member and its reason when a member fails in its worker', async () => {
    const options = { ...DEFAULT_TRAIN_OPTIONS, epochs: 1 };
    const logs: string[] = [];
    const jobs = [0, 1, 2].map((k) => ({ kind: 'verbal' as const, k, rows: [], options }));
    await expect(runMemberJobs(jobs, { workers: 2, backend: 'wasm', log: (l) => logs.push(l) })).rejects.toThrow(
      /training member [01] failed: no training rows/,
    );
  }, 60_000);
});
