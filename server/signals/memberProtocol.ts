// Messages between the member trainer (members.ts) and its worker threads (memberWorker.ts).
import type { LabeledRow } from './verbal/corpus';
import type { TrainOptions, MemberResult as VerbalMemberResult } from './verbal/train';
import type { PostureTrainOptions } from './posture/train';
import type { PostureExtra } from './posture/extraExamples';

export type MemberJob =
  | { kind: 'verbal'; k: number; rows: readonly LabeledRow[]; options: TrainOptions }
  | { kind: 'posture'; k: number; options: PostureTrainOptions; norm: { mean: number[]; std: number[] }; extra?: PostureExtra };

export type MemberResultOf<J extends MemberJob> = J extends { kind: 'verbal' } ? VerbalMemberResult : Float32Array[];

export type MemberFromWorker =
  | { type: 'log'; line: string }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; message: string; stack?: string };
