// Which signal raised a reviewed cue, read from its exported row. The export leaves out the
// cue engine's `trigger` (and the ids), so it is found again from the engine's rules
// (server/fusion/cueEngine.ts):
// - a cue's media time is its trigger signal's (a verbal signal's is its turn's start);
// - the reasons buying_signal, signals_accumulating and objection_removed are raised by a
//   verbal buying signal, customer_resists by a verbal resistance; benefit_acknowledged by a
//   nod, closed_posture by a closed posture (a posture trigger: no verbal threshold applies);
// - the engine lists a verbal cue's trigger as the last verbal piece of its evidence: after the
//   objection it answers (objection_removed), after the earlier signals that add up with it
//   (signals_accumulating) or the earlier resistances (customer_resists); posture that supports it
//   comes after it, and is not verbal.
// So the trigger of a verbal cue is its last verbal evidence, and it must be at the cue's media
// time with a label that raises that reason; a row where it is not (an edited file, an export
// of another version) is "unidentified", counted and left out of the sweep rather than guessed.
import { BUYING_LABELS, type CueReason } from '../../protocol/protocol';
import type { CueReviewRow } from './cueReviewRows';

/** The verbal labels that raise each verbal reason; posture reasons are absent. */
const VERBAL_TRIGGERS: Partial<Record<CueReason, readonly string[]>> = {
  buying_signal: BUYING_LABELS,
  signals_accumulating: BUYING_LABELS,
  objection_removed: BUYING_LABELS,
  customer_resists: ['resistance'],
};

export type CueTrigger =
  /** A verbal signal: its label and score, the score `serve --thresholds` holds it to. */
  | { kind: 'verbal'; label: string; score: number }
  /** A posture signal (benefit_acknowledged, closed_posture): no verbal threshold applies. */
  | { kind: 'posture' }
  /** The row's evidence does not show the trigger the engine's rules say it has. */
  | { kind: 'unidentified'; why: string };

/** The trigger of an emitted cue's row (see the module comment); undefined for a row with no emitted cue. */
export function cueTrigger(row: Pick<CueReviewRow, 'mediaMs' | 'cue'>): CueTrigger | undefined {
  const cue = row.cue;
  if (!cue) return undefined;
  const labels = VERBAL_TRIGGERS[cue.reason];
  if (labels === undefined) return { kind: 'posture' };
  const verbal = cue.evidence.filter((e) => e.kind === 'verbal');
  const last = verbal[verbal.length - 1];
  if (!last) return { kind: 'unidentified', why: `a ${cue.reason} cue with no verbal evidence` };
  if (last.mediaMs !== row.mediaMs) return { kind: 'unidentified', why: `its last verbal evidence is at ${last.mediaMs} ms, not at the cue's ${row.mediaMs} ms` };
  if (!labels.includes(last.label)) return { kind: 'unidentified', why: `its last verbal evidence is ${last.label}, which does not raise ${cue.reason}` };
  return { kind: 'verbal', label: last.label, score: last.score };
}
