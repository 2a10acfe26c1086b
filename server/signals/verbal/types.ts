// The verbal classifier's contract: what the pipeline, the CLI and the benchmark rely on.
import type { Role, VerbalLabel } from '../../../protocol/protocol';

export interface VerbalInput {
  text: string;
  /** The turn before this one (either speaker), if any. */
  context?: string;
}

export interface VerbalPrediction {
  label: VerbalLabel;
  score: number;
  scores: Record<VerbalLabel, number>;
}

export interface VerbalClassifier {
  /** Identifies the trained artifact, e.g. "verbal-2026-11-28-a1b2c3". */
  readonly version: string;
  /** Synchronous and batched: one forward pass for all inputs. */
  classify(inputs: readonly VerbalInput[]): VerbalPrediction[];
  dispose(): void;
}

export interface Turn extends VerbalInput {
  role: Role | null;
}
