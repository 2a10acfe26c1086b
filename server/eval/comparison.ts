// GET /api/quality/compare: a verbal model of the library (B) against the running one (A), held
// to the running thresholds, on the coaches' labelled customer turns that neither was trained on
// (a job's trained-rows.json, a `train verbal --extra` file's rows: trainedSet.ts). The rows are
// read as GET /api/quality reads them (the newest `rowsCap` corrections, their export parsed as
// `eval verbal` parses it); both models run here a chunk per turn of the event loop; the paired
// bootstraps run in the quality worker (compareFigures.ts, the code `eval verbal --compare` runs).
import { createHash } from 'node:crypto';
import { COMPARE_CHANGED_MAX, type ChangedTurn, type ComparedModel, type VerbalComparison } from '../../protocol/compare';
import { correctionsJsonl } from '../ingest/correctionsExport';
import { parseLabeledJsonl } from '../signals/verbal/corpus';
import { signalLabel, type SignalThresholds } from '../signals/verbal/decision';
import type { VerbalClassifier } from '../signals/verbal/types';
import type { CorrectionForExport } from '../store/sqliteStore';
import { isTrainedKey } from '../training/holdOut';
import { breathe, computeCompareFigures, newestCorrections, predictInChunks } from './quality';
import { trainedSetOfFolder, type TrainedSet } from './trainedSet';
import { rowLang, subsetsOf } from './verbalEval';

export interface ComparisonModel {
  /** Its library id ("base", "lib/<folder>"). */
  id: string;
  classifier: VerbalClassifier;
  /** Its folder (manifest.json, trained-rows.json). */
  dir: string;
}

export interface ComparisonInput {
  session: string | null;
  corrections: readonly CorrectionForExport[];
  /** How many corrections the scope holds, when `corrections` is already the newest `rowsCap` of them (the worker's job); default: corrections.length. */
  stored?: number;
  rowsCap: number;
  a: ComparisonModel;
  b: ComparisonModel;
  thresholds: SignalThresholds;
  /** Aborted: stops at the next turn of the event loop (the worker terminated), rejecting with its reason. */
  signal?: AbortSignal | undefined;
  /** performance.now() when the question came (B's load is part of the answer's `ms`); default: now. */
  startedAt?: number;
  /** What each model was trained on (default: read from its folder); tests give their own. */
  trainedSet?: (dir: string, exportSha256: string) => TrainedSet;
}

/**
 * A model as the answer names it, and which of `items` it was trained on (`listed`: whether a
 * list of keys holds an item); its trainedOn null: all may have been, cannot tell. The posture
 * comparison's too.
 */
export function describedModel<T>(
  m: { id: string; version: string }, set: TrainedSet, items: readonly T[], listed: (keys: ReadonlySet<string>, item: T) => boolean,
): { model: ComparedModel; trained: (item: T) => boolean } {
  const trained = set.kind === 'keys' ? (x: T) => listed(set.keys, x) : set.kind === 'all' ? () => true : () => false;
  const trainedOn = set.kind === 'none' ? 0 : set.kind === 'unknown' ? null : items.filter(trained).length;
  const heldOutPercent = set.kind === 'none' ? null : set.heldOutPercent;
  const unknownReason = set.kind === 'unknown' ? (set.reason ?? null) : null;
  return { model: { id: m.id, version: m.version, trainedOn, heldOutPercent, unknownReason }, trained };
}

/** A verbal model's, its turns known by their words. */
const described = (m: ComparisonModel, set: TrainedSet, texts: readonly string[]) =>
  describedModel({ id: m.id, version: m.classifier.version }, set, texts, isTrainedKey);

/** The whole answer of GET /api/quality/compare. `inline`: the figures computed on this thread (tests). */
export async function measureComparison(input: ComparisonInput, opts: { inline?: boolean } = {}): Promise<VerbalComparison> {
  const t0 = input.startedAt ?? performance.now();
  const { signal, thresholds } = input;
  signal?.throwIfAborted();
  const kept = newestCorrections(input.corrections, input.rowsCap);
  await breathe(signal);
  const text = correctionsJsonl(kept);
  const all = parseLabeledJsonl(text, 'GET /api/corrections');
  await breathe(signal);
  const texts = all.map((r) => r.text);
  const sha = createHash('sha256').update(text).digest('hex');
  const setOf = input.trainedSet ?? trainedSetOfFolder;
  const a = described(input.a, setOf(input.a.dir, sha), texts);
  const b = described(input.b, setOf(input.b.dir, sha), texts);
  // Neither trained on it: a model scored on turns it learnt would flatter it.
  const measured = all.flatMap((r, i) => (a.trained(r.text) || b.trained(r.text) ? [] : [{ row: r, from: kept[i]! }]));
  const head = { session: input.session, a: a.model, b: b.model, thresholds: { ...thresholds } as Record<string, number>, stored: input.stored ?? input.corrections.length, rows: measured.length };
  if (measured.length === 0) return { ...head, ms: Math.round(performance.now() - t0), subsets: [], changed: [], changedTotal: 0 };
  const rows = measured.map((m) => m.row);
  await breathe(signal);
  const predA = (await predictInChunks(input.a.classifier, rows, signal)).map((p) => signalLabel(p, thresholds));
  await breathe(signal);
  const predB = (await predictInChunks(input.b.classifier, rows, signal)).map((p) => signalLabel(p, thresholds));
  await breathe(signal);
  const gold = rows.map((r) => r.label);
  const changed: ChangedTurn[] = [];
  for (const change of ['fixed', 'broken'] as const) {
    measured.forEach(({ row, from }, i) => {
      const aRight = predA[i] === gold[i];
      if (aRight === (predB[i] === gold[i]) || (change === 'fixed') === aRight) return;
      changed.push({
        change, session: from.correction.sessionId, utterance: from.correction.utteranceId, startMs: from.startMs, lang: rowLang(row),
        gold: gold[i]!, a: predA[i]!, b: predB[i]!, text: row.text, ...(row.context !== undefined ? { context: row.context } : {}),
      });
    });
  }
  const subsets = await computeCompareFigures({ gold, a: predA, b: predB, subsets: subsetsOf(rows).map(({ name, idx }) => ({ name, idx })) }, opts.inline, signal);
  return { ...head, ms: Math.round(performance.now() - t0), subsets, changed: changed.slice(0, COMPARE_CHANGED_MAX), changedTotal: changed.length };
}
