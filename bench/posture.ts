// Benchmark: the posture classifier alone, on landmarks (no pixels): a tracker per
// participant fed the project's synthetic skeletons, frames per second on one core.
import { loadPostureClassifier } from '../server/signals/posture/model';
import { PostureTracker } from '../server/signals/posture/tracker';
import { ARMS, posture, view } from '../server/signals/posture/testkit';
import { projectPath } from '../server/paths';

export interface PostureFigure {
  name: string;
  value: number;
  unit: string;
  [k: string]: unknown;
}

export async function benchPosture(report: (f: PostureFigure) => void, seconds = 3): Promise<void> {
  const classifier = loadPostureClassifier({ modelDir: projectPath('models', 'posture') });
  const poses = [posture(ARMS.hanging), posture(ARMS.crossed, -12), posture(ARMS.openPalm, 10)].map((p) => view(p));
  const tracker = new PostureTracker({ participant: 'bench', classifier, aspect: 4 / 3 });
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    tracker.update([poses[Math.floor(n / 25) % poses.length]!], n * 200);
    n++;
  }
  const secs = (performance.now() - t0) / 1000;
  report({ name: 'posture_tracker_throughput', value: Math.round(n / secs), unit: 'frames/s', model: classifier.version, cores: 1, note: 'features + smoothing + classifier + hysteresis, one frame per call' });
  classifier.dispose();
}
