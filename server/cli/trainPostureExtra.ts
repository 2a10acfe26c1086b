// `train posture --extra FILE [--extra-weight N]`: coaches' labelled frames (landmark rows, as
// `GET /api/posture-labels` exports them) trained on beside the synthetic skeletons. Every file
// is read and checked before training, so a bad file costs no minutes of training, and recorded
// in the model (ExtraRecord) so eval posture can say when it scores rows the model learnt.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { shownPath } from '../paths';
import type { ExtraRecord } from '../signals/extraRecord';
import { checkTrainingRows, extraExamples, type ExtraExamples } from '../signals/posture/extraExamples';
import { parseLabelRows } from '../signals/posture/labelRows';
import { FEATURE_COUNT } from '../signals/posture/features';
import { MODEL_LABELS } from '../signals/posture/types';
import type { ExtraFlags } from './trainExtra';

export interface PostureExtraFiles {
  /** Every file's usable rows' examples, file by file in the order given. */
  examples: ExtraExamples;
  weight: number;
  record: ExtraRecord;
  /** One line per file with rows whose pose cannot be measured (left out), for stderr. */
  warnings: string[];
}

/**
 * Reads each file with eval posture's row reader (a bad line stops it with the same
 * `FILE:LINE: field …` error), refuses photo rows, `nodding` and `neutral` beside a main label,
 * an empty file and a file whose bytes another --extra file has already given. Rows are parsed
 * from the very bytes hashed, so the recorded sha256 is that of the rows trained on.
 */
export function readPostureExtraFiles(flags: ExtraFlags): PostureExtraFiles | undefined {
  if (flags.files.length === 0) return undefined;
  const parts: ExtraExamples[] = [];
  const record: ExtraRecord = { weight: flags.weight, files: [] };
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  for (const file of flags.files) {
    const bytes = fs.readFileSync(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const same = seen.get(sha256);
    if (same !== undefined) throw new Error(`--extra ${file} holds the same bytes as --extra ${same}: its rows would count twice (use --extra-weight N to count rows more)`);
    seen.set(sha256, file);
    const rows = parseLabelRows(bytes.toString('utf8'), file);
    if (rows.length === 0) throw new Error(`--extra ${file} holds no rows to train on (it is empty or only blank lines); expected one JSON object per line`);
    checkTrainingRows(rows, file);
    const { examples, unusable } = extraExamples(rows);
    if (examples.n === 0) throw new Error(`--extra ${file}: none of its ${rows.length} rows has usable shoulders, so no posture features to train on`);
    if (unusable.length) {
      const lines = unusable.slice(0, 5).join(', ') + (unusable.length > 5 ? ', …' : '');
      warnings.push(
        `warning: ${unusable.length} row${unusable.length === 1 ? '' : 's'} of ${shownPath(file)} (line${unusable.length === 1 ? '' : 's'} ${lines}) ${unusable.length === 1 ? 'has' : 'have'} no usable shoulders, so no posture features: left out of training (the classifier finds no person in such a frame either)`,
      );
    }
    parts.push(examples);
    record.files.push({ path: shownPath(file), sha256, rows: examples.n });
  }
  return { examples: concat(parts), weight: flags.weight, record, warnings };
}

function concat(parts: readonly ExtraExamples[]): ExtraExamples {
  const L = MODEL_LABELS.length;
  const n = parts.reduce((a, p) => a + p.n, 0);
  const out: ExtraExamples = { n, x: new Float32Array(n * FEATURE_COUNT), y: new Float32Array(n * L), mask: new Float32Array(n * L) };
  let at = 0;
  for (const p of parts) {
    out.x.set(p.x, at * FEATURE_COUNT);
    out.y.set(p.y, at * L);
    out.mask.set(p.mask, at * L);
    at += p.n;
  }
  return out;
}
