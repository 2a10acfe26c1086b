// `eval verbal --compare`: two verbal models on the same rows, held to the same thresholds and
// speaker rule. Per subset (those of the plain report): each model's macro-F1 and per-label F1,
// B − A with a paired bootstrap interval, and the rows B fixed or broke.
import { VERBAL_LABELS, type Role, type VerbalLabel } from '../../protocol/protocol';
import type { LabeledRow } from '../signals/verbal/corpus';
import { DEFAULT_SIGNAL_THRESHOLDS, describeThresholds, signalLabel, type SignalThresholds } from '../signals/verbal/decision';
import type { VerbalClassifier } from '../signals/verbal/types';
import { pairedSubsets } from './compareFigures';
import { describeDifference, type PairedCounts, type PairedDifference } from './paired';
import { oneLine, pct, predictRows, rowLang, subsetsOf, type Slice } from './verbalEval';

/** Version of the `eval verbal --compare --json` object's shape (docs/eval-json.md). */
export const VERBAL_COMPARE_SCHEMA = 1;

export interface ComparedModel {
  modelVersion: string;
  /** The model folder as the caller names it (the CLI: the path given, or the default). */
  model?: string;
}

export interface CompareSubset {
  name: string;
  /** Only on a subset `--by` made, as in the plain report. */
  slice?: Slice;
  n: number;
  /** Macro-F1 of A and of B, B − A and its paired 95 % bootstrap interval. */
  macroF1: PairedDifference;
  accuracy: { a: number; b: number };
  /** Per label: gold rows with it, and each model's F1. */
  perLabel: Record<VerbalLabel, { support: number; a: number; b: number; difference: number }>;
  /** Rows B gets right that A got wrong (fixed), the reverse (broken), both wrong, both right. */
  rows: PairedCounts;
}

/** A row one model got right and the other wrong. */
export interface ChangedRow {
  /** fixed: B is right, A was wrong; broken: A was right, B is wrong. */
  change: 'fixed' | 'broken';
  line: number;
  lang: string;
  role: Role;
  gold: VerbalLabel;
  /** Each model's label, after the thresholds and the speaker rule. */
  a: VerbalLabel;
  b: VerbalLabel;
  text: string;
  context?: string;
}

export interface VerbalCompareReport {
  schema: typeof VERBAL_COMPARE_SCHEMA;
  compare: 'verbal';
  data?: string;
  a: ComparedModel;
  b: ComparedModel;
  thresholds: SignalThresholds;
  rows: number;
  subsets: CompareSubset[];
  /** Only when asked for (`changed: true`): the fixed and broken rows, in file order. */
  changed?: ChangedRow[];
}

export function compareVerbal(
  rows: readonly LabeledRow[],
  a: VerbalClassifier,
  b: VerbalClassifier,
  thresholds: SignalThresholds = DEFAULT_SIGNAL_THRESHOLDS,
  opts: { changed?: boolean; data?: string; names?: { a?: string; b?: string }; by?: readonly string[] } = {},
): VerbalCompareReport {
  const predA = predictRows(a, rows).map((p) => signalLabel(p, thresholds));
  const predB = predictRows(b, rows).map((p) => signalLabel(p, thresholds));
  const gold = rows.map((r) => r.label);
  const subsets = pairedSubsets(gold, predA, predB, subsetsOf(rows, opts.by)).map(({ subset: { name, slice }, n, macroF1, accuracy, perLabel, rows: counts }): CompareSubset => ({
    name,
    ...(slice ? { slice } : {}),
    n,
    macroF1,
    accuracy,
    perLabel: Object.fromEntries(perLabel.map(({ label, ...f }) => [label, f])) as CompareSubset['perLabel'],
    rows: counts,
  }));
  const named = (m: VerbalClassifier, dir: string | undefined): ComparedModel => ({ modelVersion: m.version, ...(dir !== undefined ? { model: dir } : {}) });
  return {
    schema: VERBAL_COMPARE_SCHEMA, compare: 'verbal', ...(opts.data !== undefined ? { data: opts.data } : {}),
    a: named(a, opts.names?.a), b: named(b, opts.names?.b), thresholds, rows: rows.length, subsets,
    ...(opts.changed ? { changed: changedRows(rows, predA, predB) } : {}),
  };
}

function changedRows(rows: readonly LabeledRow[], predA: readonly VerbalLabel[], predB: readonly VerbalLabel[]): ChangedRow[] {
  return rows.flatMap((r, i): ChangedRow[] => {
    const aRight = predA[i] === r.label;
    if (aRight === (predB[i] === r.label)) return [];
    return [{
      change: aRight ? 'broken' : 'fixed', line: r.line, lang: rowLang(r), role: r.role, gold: r.label, a: predA[i]!, b: predB[i]!,
      text: r.text, ...(r.context !== undefined ? { context: r.context } : {}),
    }];
  });
}

const signed = (x: number): string => `${x > 0 ? '+' : x < 0 ? '−' : ' '}${Math.abs(x * 100).toFixed(1)}`.padStart(6);

/** A plain-text comparison: per subset, each label's F1 of A and B, macro-F1 with the paired interval, and the row counts. */
export function formatCompareReport(r: VerbalCompareReport): string {
  const held = describeThresholds(r.thresholds);
  const name = (m: ComparedModel) => `${m.modelVersion}${m.model !== undefined ? ` (${m.model})` : ''}`;
  const first = r.subsets[0];
  const ci = first?.macroF1.interval;
  const lines: string[] = [
    `model A ${name(r.a)}`,
    `model B ${name(r.b)}`,
    `on the same ${r.rows} rows${r.data !== undefined ? ` of ${r.data}` : ''}; a signal counts when it is the most probable label${held ? ` and scores ${held}` : ''}`,
    ...(ci ? [`B − A in points of F1; its ${Math.round(ci.level * 100)} % interval is paired: ${ci.resamples} seeded resamples of the rows, each scored for both models`] : []),
  ];
  const w = Math.max(...VERBAL_LABELS.map((l) => l.length), 'macro-F1'.length);
  for (const s of r.subsets) {
    lines.push('', `== ${s.name} (${s.n} rows)`);
    lines.push(`${'label'.padEnd(w)}  support |   A F1   B F1  B − A`);
    for (const l of VERBAL_LABELS) {
      const x = s.perLabel[l];
      lines.push(`${l.padEnd(w)}  ${String(x.support).padStart(7)} | ${pct(x.a).padStart(6)} ${pct(x.b).padStart(6)} ${signed(x.difference)}`);
    }
    lines.push(`${'macro-F1'.padEnd(w)}  ${''.padStart(7)} | ${pct(s.macroF1.a).padStart(6)} ${pct(s.macroF1.b).padStart(6)} ${signed(s.macroF1.difference)}`);
    lines.push(`${'accuracy'.padEnd(w)}  ${''.padStart(7)} | ${pct(s.accuracy.a).padStart(6)} ${pct(s.accuracy.b).padStart(6)} ${signed(s.accuracy.b - s.accuracy.a)}`);
    lines.push(`macro-F1 B − A: ${describeDifference(s.macroF1)}`);
    lines.push(`rows: ${s.rows.fixed} fixed (B right, A wrong), ${s.rows.broken} broken (A right, B wrong), ${s.rows.bothWrong} both wrong, ${s.rows.bothRight} both right`);
  }
  if (r.changed) {
    for (const change of ['fixed', 'broken'] as const) {
      const rows = r.changed.filter((c) => c.change === change);
      lines.push('', `rows B ${change === 'fixed' ? 'fixed (A wrong, B right)' : 'broke (A right, B wrong)'}: ${rows.length} (line, language, role, gold: A's label → B's, text)`);
      for (const c of rows) {
        lines.push(`${String(c.line).padStart(6)} ${c.lang.padEnd(3)} ${c.role.padEnd(8)} ${c.gold}: ${c.a} → ${c.b}  ${oneLine(c.text)}`);
        if (c.context !== undefined) lines.push(`${''.padStart(20)}after: ${oneLine(c.context)}`);
      }
    }
  }
  return lines.join('\n');
}
