// Which labelled frames a posture model a server job wrote was trained on: its folder's
// trained-frames.json (postureRows.ts), read as a verbal job's trained-rows.json is (bounded,
// skipped when bigger than its job may write it or not its shape). GET /api/quality counts from it.
import { parseTrainedFrames, TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES, trainedFrameKey } from '../training/postureRows';
import { readJobList, readJobListResult, type JobListRead } from './trainedSet';

const parseKeys = (text: string): ReadonlySet<string> => new Set(parseTrainedFrames(text).trained.map(trainedFrameKey));

/** The keys (trainedFrameKey) of the frames a job's model in `dir` trained on; undefined when it has no readable trained-frames.json. */
export const readTrainedFrames = (dir: string | undefined): ReadonlySet<string> | undefined =>
  readJobList(dir, TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES, parseKeys);

/** The same, or why not (reason null: there is none; else too_large, unreadable or malformed, naming the file). */
export const readTrainedFramesResult = (dir: string | undefined): JobListRead<ReadonlySet<string>> =>
  readJobListResult(dir, TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES, parseKeys);
