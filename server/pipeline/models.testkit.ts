// The real models and the demo meeting for the pipeline's tests, loaded once per test file.
import { initTf } from '../runtime/backend';
import { loadVerbalClassifier } from '../signals/verbal/model';
import { loadPostureClassifier, type PostureClassifier } from '../signals/posture/model';
import { projectPath } from '../paths';
import { loadDemoMeeting, type DemoMeeting } from '../demo/demo';
import type { VerbalClassifier } from '../signals/verbal/types';

export interface RealModels {
  verbal: VerbalClassifier;
  posture: PostureClassifier;
  demo: DemoMeeting;
}

/** Loads the committed models and the demo before the file's tests and disposes of them after; read the fields inside tests. */
export function useRealModels(): RealModels {
  const m = {} as RealModels;
  beforeAll(async () => {
    await initTf();
    m.verbal = loadVerbalClassifier({ modelDir: projectPath('models', 'verbal') });
    m.posture = loadPostureClassifier({ modelDir: projectPath('models', 'posture') });
    m.demo = loadDemoMeeting();
  });
  afterAll(() => {
    m.verbal?.dispose();
    m.posture?.dispose();
  });
  return m;
}
