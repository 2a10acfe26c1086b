// Scores a verbal classifier and the keyword baseline on labeled rows, through the same
// speaker rule the pipeline uses (rep turns are neutral), per language and with and without
// the rows whose label needs the previous turn.
import { VERBAL_LABELS, type VerbalLabel } from '../../protocol/protocol';
import type { LabeledRow } from '../signals/verbal/corpus';
import { DEFAULT_SIGNAL_THRESHOLDS, signalLabel, type SignalThresholds } from '../signals/verbal/decision';
import { classifyTurns } from '../signals/verbal/speakerRule';
import type { VerbalClassifier, VerbalPrediction } from '../signals/verbal/types';
import type { Interval } from './bootstrap';
import { bootstrapMacroF1, classificationReport, type ClassificationReport } from './metrics';

export interface SubsetReport {
  /** e.g. "all", "zh", "en", "all without needs_context". */
  name: string;
  n: number;
  model: ClassificationReport<VerbalLabel>;
  baseline: ClassificationReport<VerbalLabel>;
  /** 95 % bootstrap intervals of the two macro-F1 figures over this subset's rows. */
  macroF1Interval: { model: Interval; baseline: Interval };
}

export interface VerbalEvalReport {
  modelVersion: string;
  baselineVersion: string;
  /** The least score per signal label the model's predictions were held to (the pipeline's rule). */
  thresholds: SignalThresholds;
  rows: number;
  subsets: SubsetReport[];
  /** The rows the model got wrong, in file order (only when asked for: `errors: true`). */
  errors?: EvalError[];
}

/** A row the model labelled otherwise than its gold label. */
export interface EvalError {
  /** 1-based line of the data file. */
  line: number;
  lang: string;
  gold: VerbalLabel;
  predicted: VerbalLabel;
  /** The model's probability of the predicted label, and of the gold one. */
  score: number;
  goldScore: number;
  text: string;
  context?: string;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** The row's lang field, else "zh" when the text has any CJK character, else "en". */
export function rowLang(row: Pick<LabeledRow, 'lang' | 'text'>): string {
  return row.lang ?? (CJK.test(row.text) ? 'zh' : 'en');
}

function predict(classifier: VerbalClassifier, rows: readonly LabeledRow[]): VerbalPrediction[] {
  const turns = rows.map((r) => ({ text: r.text, role: r.role, ...(r.context !== undefined ? { context: r.context } : {}) }));
  return classifyTurns(classifier, turns);
}

function errorsOf(rows: readonly LabeledRow[], preds: readonly VerbalPrediction[], labels: readonly VerbalLabel[]): EvalError[] {
  return rows.flatMap((r, i) => {
    const predicted = labels[i]!;
    if (predicted === r.label) return [];
    const p = preds[i]!;
    return [{
      line: r.line, lang: rowLang(r), gold: r.label, predicted,
      score: p.scores[predicted] ?? 0, goldScore: p.scores[r.label] ?? 0,
      text: r.text, ...(r.context !== undefined ? { context: r.context } : {}),
    }];
  });
}

/** The model is held to `thresholds` as the pipeline holds it; the keyword baseline to none. */
export function evaluateVerbal(
  rows: readonly LabeledRow[],
  model: VerbalClassifier,
  baseline: VerbalClassifier,
  thresholds: SignalThresholds = DEFAULT_SIGNAL_THRESHOLDS,
  opts: { errors?: boolean } = {},
): VerbalEvalReport {
  const modelScores = predict(model, rows);
  const modelPred = modelScores.map((p) => signalLabel(p, thresholds));
  const basePred = predict(baseline, rows).map((p) => signalLabel(p, {}));
  const langs = [...new Set(rows.map(rowLang))].sort();
  const filters: Array<[string, (r: LabeledRow) => boolean]> = [['all', () => true]];
  for (const lang of langs) filters.push([lang, (r) => rowLang(r) === lang]);
  if (rows.some((r) => r.needsContext !== undefined)) {
    filters.push(['all without needs_context', (r) => r.needsContext !== true]);
    for (const lang of langs) filters.push([`${lang} without needs_context`, (r) => rowLang(r) === lang && r.needsContext !== true]);
  }
  const subsets = filters.map(([name, keep]) => {
    const idx = rows.flatMap((r, i) => (keep(r) ? [i] : []));
    const gold = idx.map((i) => rows[i]!.label);
    const model = idx.map((i) => modelPred[i]!);
    const base = idx.map((i) => basePred[i]!);
    return {
      name,
      n: idx.length,
      model: classificationReport(VERBAL_LABELS, gold, model),
      baseline: classificationReport(VERBAL_LABELS, gold, base),
      macroF1Interval: { model: bootstrapMacroF1(VERBAL_LABELS, gold, model), baseline: bootstrapMacroF1(VERBAL_LABELS, gold, base) },
    };
  });
  return {
    modelVersion: model.version, baselineVersion: baseline.version, thresholds, rows: rows.length, subsets,
    ...(opts.errors ? { errors: errorsOf(rows, modelScores, modelPred) } : {}),
  };
}

const oneLine = (t: string): string => t.replace(/\s+/g, ' ').trim();
const pct = (x: number): string => (x * 100).toFixed(1).padStart(5);

/** A plain-text report: per subset, the model beside the baseline; confusion matrices last. */
export function formatEvalReport(r: VerbalEvalReport): string {
  const held = Object.entries(r.thresholds).map(([l, t]) => `${l} ≥ ${t}`);
  const lines: string[] = [
    `model ${r.modelVersion} vs ${r.baselineVersion}, ${r.rows} rows`,
    `a signal counts when it is the most probable label${held.length ? ` and scores ${held.join(', ')}` : ''}`,
  ];
  const w = Math.max(...VERBAL_LABELS.map((l) => l.length));
  for (const s of r.subsets) {
    lines.push('', `== ${s.name} (${s.n} rows)`);
    lines.push(`${'label'.padEnd(w)}  support |  model P     R    F1 | baseline P  R    F1`);
    for (const l of VERBAL_LABELS) {
      const m = s.model.perLabel[l];
      const b = s.baseline.perLabel[l];
      lines.push(`${l.padEnd(w)}  ${String(m.support).padStart(7)} | ${pct(m.precision)} ${pct(m.recall)} ${pct(m.f1)} | ${pct(b.precision)} ${pct(b.recall)} ${pct(b.f1)}`);
    }
    lines.push(`${'macro-F1'.padEnd(w)}  ${''.padStart(7)} | ${''.padStart(11)} ${pct(s.model.macroF1)} | ${''.padStart(11)} ${pct(s.baseline.macroF1)}`);
    const ci = (x: Interval) => `${pct(x.low).trim()}–${pct(x.high).trim()}`.padStart(11);
    lines.push(`${'  95 % CI'.padEnd(w)}  ${''.padStart(7)} | ${''.padStart(5)} ${ci(s.macroF1Interval.model)} | ${''.padStart(5)} ${ci(s.macroF1Interval.baseline)}`);
    lines.push(`${'accuracy'.padEnd(w)}  ${''.padStart(7)} | ${''.padStart(11)} ${pct(s.model.accuracy)} | ${''.padStart(11)} ${pct(s.baseline.accuracy)}`);
  }
  const short = VERBAL_LABELS.map((l) => l.slice(0, 8));
  for (const s of r.subsets.filter((x) => !x.name.includes('without'))) {
    lines.push('', `confusion, model, ${s.name} (rows gold, columns predicted)`);
    lines.push(`${''.padEnd(w)} ${short.map((l) => l.padStart(9)).join('')}`);
    s.model.confusion.forEach((row, i) => lines.push(`${VERBAL_LABELS[i]!.padEnd(w)} ${row.map((c) => String(c).padStart(9)).join('')}`));
  }
  if (r.errors) {
    lines.push('', `rows the model got wrong: ${r.errors.length} of ${r.rows} (line, language, gold → predicted with its probability and the gold label's)`);
    for (const e of r.errors) {
      lines.push(`${String(e.line).padStart(6)} ${e.lang.padEnd(3)} ${e.gold} → ${e.predicted} ${e.score.toFixed(2)} (gold ${e.goldScore.toFixed(2)})  ${oneLine(e.text)}`);
      if (e.context !== undefined) lines.push(`${''.padStart(11)}after: ${oneLine(e.context)}`);
    }
  }
  return lines.join('\n');
}
