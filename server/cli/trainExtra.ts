// `train verbal --extra FILE [--extra-weight N]`: a team's own labelled rows (coach corrections
// from `GET /api/corrections`, or any file in eval verbal's row format) added to the corpus.
// All checked and read before training starts, so a bad file costs no minutes of training,
// and recorded in the model (ExtraRecord) so eval can say when it scores rows the model learnt.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EXTRA_WEIGHT_MAX } from '../../protocol/training';
import { shownPath } from '../paths';
import type { ExtraRecord } from '../signals/verbal/artifact';
import { parseLabeledJsonl, type LabeledRow } from '../signals/verbal/corpus';
import { intFlag, requireFile, UsageError } from './args';

/** Most --extra files: labels come as one download or a few splits of it; more is likelier a stray glob than a plan. */
export const EXTRA_FILES_MAX = 20;
/** Largest --extra-weight (the server's training jobs share it, protocol/training.ts). */
export { EXTRA_WEIGHT_MAX };

export interface ExtraFlags {
  /** Resolved from the working directory, in the order given. */
  files: string[];
  weight: number;
}

/**
 * Checks --extra and --extra-weight as usage errors naming the flag (and the limit): too many
 * files, a file missing, a folder, given twice or the corpus itself, a weight out of range or
 * without any --extra. Also `train posture --extra`'s (which has no corpus file).
 */
export function extraFlags(given: readonly string[], weight: string | undefined, corpus?: string): ExtraFlags {
  if (given.length > EXTRA_FILES_MAX) {
    throw new UsageError(`--extra may be given at most ${EXTRA_FILES_MAX} times, got ${given.length} (join the files into fewer)`);
  }
  const n = intFlag(weight, 'extra-weight', 1, EXTRA_WEIGHT_MAX);
  if (n !== undefined && given.length === 0) throw new UsageError('--extra-weight weighs the rows of --extra FILE, and no --extra was given');
  const files: string[] = [];
  for (const g of given) {
    const file = path.resolve(g);
    try {
      requireFile(file);
    } catch (e) {
      throw e instanceof UsageError ? new UsageError(`--extra: ${e.message}`) : e;
    }
    // Twice would count its rows twice, silently: --extra-weight says how much they count.
    if (files.includes(file)) throw new UsageError(`--extra ${g} is given twice (use --extra-weight N to count its rows more)`);
    if (corpus !== undefined && file === corpus) throw new UsageError(`--extra ${g} is the corpus (--corpus) itself`);
    files.push(file);
  }
  return { files, weight: n ?? 1 };
}

export interface ExtraFile {
  file: string;
  rows: LabeledRow[];
}

/**
 * Reads each file with the corpus's reader, so a bad line stops it with the same
 * `FILE:LINE: field …` error; an empty file is refused as an empty corpus is. Its rows are
 * parsed from the very bytes hashed, so the recorded sha256 is that of the rows trained on.
 */
export function readExtraFiles(flags: ExtraFlags): { files: ExtraFile[]; record: ExtraRecord } | undefined {
  if (flags.files.length === 0) return undefined;
  const files: ExtraFile[] = [];
  const record: ExtraRecord = { weight: flags.weight, files: [] };
  for (const file of flags.files) {
    const bytes = fs.readFileSync(file);
    const rows = parseLabeledJsonl(bytes.toString('utf8'), file);
    if (rows.length === 0) throw new Error(`--extra ${file} holds no rows to train on (it is empty or only blank lines); expected one JSON object per line`);
    files.push({ file, rows });
    record.files.push({ path: shownPath(file), sha256: createHash('sha256').update(bytes).digest('hex'), rows: rows.length });
  }
  return { files, record };
}
