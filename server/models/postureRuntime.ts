// The posture model the server runs now, which an analyst may switch while it runs (PUT
// /api/settings/posture). Everything that classifies landmarks reads it here at use time: a
// frame's classification and the version stored with its signals come from one `current` in one
// synchronous step, so a switch reaches the next frame; work that spans turns of the event loop
// (a re-analysis, a quality measurement) holds the one it started with (modelRuntime.ts).
import type { PostureClassifier } from '../signals/posture/model';
import { ModelRuntime, type Held } from './modelRuntime';

export interface PostureRun {
  classifier: PostureClassifier;
  /** Its library id (postureLibrary.ts): "base", or "lib/<folder>". */
  id: string;
  /** Its folder (manifest.json, metrics.json), for the quality view's training figures. */
  dir: string;
}

export type HeldPosture = Held<PostureRun>;

export class PostureRuntime extends ModelRuntime<PostureRun> {
  constructor(initial: PostureRun) {
    super('posture', initial);
  }
}
