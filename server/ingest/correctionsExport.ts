// Coaches' corrections as `eval verbal` rows (JSON Lines): the team's own labelled meetings, in
// the format `eval verbal --data` and `train verbal --corpus` read (signals/verbal/corpus.ts),
// so a model can be measured, and trained, on them. Each row is the turn as the pipeline gave
// it to the classifier (its text, the turn before it as context), the coach's label as gold,
// and what the stored analysis said of it (`model_*`), which the readers keep as extra fields
// (`eval verbal --by model_label`).
import type { VerbalLabel } from '../../protocol/protocol';
import { rowLang } from '../eval/verbalEval';
import type { CorrectionForExport } from '../store/sqliteStore';

/** One exported row; the field order is the order written. */
export interface CorrectionExportRow {
  text: string;
  /** The coach's label: the gold label. */
  label: VerbalLabel;
  /** "zh" when the text has a CJK character, else "en", as `eval verbal` tells a row without one. */
  lang: string;
  role: 'customer';
  /** The turn before it (either speaker), as the pipeline gives the classifier; absent for a session's first turn. */
  context?: string;
  session: string;
  utterance: number;
  speaker: string;
  startMs: number;
  /** The turn's stored verbal signal, or "neutral" when it has none. */
  model_label: VerbalLabel;
  /** That signal's score; null when it has none. */
  model_score: number | null;
  model_version: string | null;
  note?: string;
  corrected_at: number;
}

export function correctionRow(c: CorrectionForExport): CorrectionExportRow {
  const { correction } = c;
  return {
    text: c.text,
    label: correction.label,
    lang: rowLang({ text: c.text }),
    role: 'customer',
    ...(c.context !== null ? { context: c.context } : {}),
    session: correction.sessionId,
    utterance: correction.utteranceId,
    speaker: c.speaker,
    startMs: c.startMs,
    model_label: c.modelLabel ?? 'neutral',
    model_score: c.modelScore,
    model_version: c.modelVersion,
    ...(correction.note !== null ? { note: correction.note } : {}),
    corrected_at: correction.correctedAt,
  };
}

/** The rows as JSON Lines, one per line, each ending in a newline; no rows: an empty text. */
export function correctionsJsonl(rows: readonly CorrectionForExport[]): string {
  return rows.map((r) => `${JSON.stringify(correctionRow(r))}\n`).join('');
}

/** The file name of the export of every session's corrections. */
export const ALL_CORRECTIONS_DISPOSITION = 'attachment; filename="corrections.jsonl"';
