// Which labelled frames a posture model a server job wrote was trained on: its folder's
// trained-frames.json (postureRows.ts), read as a verbal job's trained-rows.json is (bounded,
// skipped when bigger than its job may write it or not its shape). GET /api/quality counts from it.
import { parseTrainedFrames, TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES, trainedFrameKey } from '../training/postureRows';
import { readJobList } from './trainedSet';

/** The keys (trainedFrameKey) of the frames a job's model in `dir` trained on; undefined when it has no readable trained-frames.json. */
export const readTrainedFrames = (dir: string | undefined): ReadonlySet<string> | undefined =>
  readJobList(dir, TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES, (text) => new Set(parseTrainedFrames(text).trained.map(trainedFrameKey)));
