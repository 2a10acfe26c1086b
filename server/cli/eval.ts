// `buying-signals eval verbal --data FILE.jsonl`: precision/recall/F1 of the trained verbal
// model beside the keyword baseline (or, with --compare, beside another model), as a table or
// (--json) one JSON object.
import { initTf } from '../runtime/backend';
import { DEFAULT_SIGNAL_THRESHOLDS, type SignalThresholds } from '../signals/verbal/decision';
import { createKeywordBaseline } from '../signals/verbal/baseline';
import { readLabeledJsonl } from '../signals/verbal/corpus';
import { loadVerbalClassifier } from '../signals/verbal/model';
import { withModelAdvice } from '../signals/modelFolder';
import { evaluateVerbal, formatEvalReport, subsetsOf } from '../eval/verbalEval';
import { compareVerbal, formatCompareReport } from '../eval/verbalCompare';
import { formatSweepReport, sweepVerbal } from '../eval/thresholdSweep';
import type { VerbalClassifier } from '../signals/verbal/types';
import { listFlag, parseArgs, parseThresholds, requireFile, UsageError } from './args';
import { dataInTraining, dataInTrainingWarning } from './dataInTraining';
import { EVAL_CUES_USAGE, runEvalCues } from './evalCues';
import type { CliIO } from './io';
import { EVAL_POSTURE_USAGE, runEvalPosture } from './posture';
import { DEFAULT_MODEL_DIR, resolveFlagPath } from './train';

export const EVAL_USAGE = `usage: buying-signals eval verbal --data FILE.jsonl [--model ${DEFAULT_MODEL_DIR}] [--compare DIR] [--sweep] [--thresholds T] [--by FIELD] [--errors] [--json]
  rows: {"text", "label", "lang"?, "role"?: "customer"|"rep" (or "speaker": "buyer"|"seller"), "context"?, "needs_context"?}
    and any other fields (kept for --by)
  --thresholds: least score a predicted signal needs, else it counts as neutral: one number for
    every signal label (0.5) or per label (resistance=0.6,purchase_intent=0.4); default none
  --errors: also list the rows the model got wrong (line, language, role, gold and predicted label,
    probabilities, text; a signal under its threshold shows the model's label, score and the threshold;
    a rep row is neutral by rule and has no scores)
  --compare DIR: judge the same rows with the model in DIR (B) beside --model (A), instead of the
    keyword baseline: per subset both macro-F1s, B − A with a paired 95 % bootstrap interval (says
    whether it excludes 0), per-label F1, and the rows B fixed and broke; --errors then lists those rows
  --sweep: instead of the report, each signal label's precision, recall, F1 and the macro-F1 as its
    threshold goes over 0.30, 0.35, …, 0.90 (the other labels at --thresholds), per subset, the best
    macro-F1 marked. Thresholds picked on a file flatter it: check them on other rows with
    --thresholds before running them (serve --thresholds, analyze --thresholds)
  --by FIELD: also one subset per value of a field of the rows (source=jd, source=(none) for rows
    without it), in the report, --compare and --sweep; repeat it or give FIELD,FIELD for one
    slicing per field (not their cross product); strings, numbers, true/false, at most 50 values
  a model trained on this very file (train verbal --extra FILE, the same sha256) gets a warning on stderr
    and is listed in --json's dataInTraining: its figures flatter it`;

export async function runEval(args: string[], io: CliIO): Promise<number> {
  if (args[0] === 'posture') return runEvalPosture(args.slice(1), io);
  if (args[0] === 'cues') return runEvalCues(args.slice(1), io);
  let opts: {
    data: string; dataGiven: string; model: string; modelGiven: string; compare?: string; compareGiven?: string;
    json: boolean; errors: boolean; sweep: boolean; thresholds: SignalThresholds; by: string[];
  };
  try {
    const a = parseArgs(args, { values: ['data', 'model', 'compare', 'thresholds', 'by'], switches: ['json', 'errors', 'sweep'], lists: ['by'] });
    if (a.positionals.length !== 1 || a.positionals[0] !== 'verbal') {
      // Without a known target, the usage of every target (verbal, posture and cues).
      const all = `${EVAL_USAGE}\n${EVAL_POSTURE_USAGE}\n${EVAL_CUES_USAGE}`;
      throw new UsageError(`${a.positionals.length ? `unknown eval target "${a.positionals.join(' ')}"` : 'eval needs a target (verbal, posture or cues)'}\n${all}`, true);
    }
    if (a.values.data === undefined) throw new UsageError('--data FILE.jsonl is required');
    if (a.switches.has('sweep') && a.values.compare !== undefined) {
      throw new UsageError('--sweep and --compare cannot be used together: sweep one model\'s thresholds, or compare two models at the same --thresholds');
    }
    if (a.switches.has('sweep') && a.switches.has('errors')) {
      throw new UsageError('--sweep and --errors cannot be used together: --errors lists the rows wrong at one set of thresholds (eval verbal --thresholds T --errors)');
    }
    opts = {
      data: resolveFlagPath(a.values.data, ''),
      dataGiven: a.values.data,
      model: resolveFlagPath(a.values.model, DEFAULT_MODEL_DIR),
      modelGiven: a.values.model ?? DEFAULT_MODEL_DIR,
      ...(a.values.compare !== undefined ? { compare: resolveFlagPath(a.values.compare, ''), compareGiven: a.values.compare } : {}),
      json: a.switches.has('json'),
      errors: a.switches.has('errors'),
      sweep: a.switches.has('sweep'),
      thresholds: a.values.thresholds === undefined ? DEFAULT_SIGNAL_THRESHOLDS : parseThresholds(a.values.thresholds),
      by: listFlag(a.values.by, 'by'),
    };
    requireFile(opts.data);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // As main prints eval posture's: "buying-signals eval: …", then the usage.
    io.err(`buying-signals eval: ${e.hasUsage ? e.message : `${e.message}\n${EVAL_USAGE}`}`);
    return 2;
  }
  const rows = readLabeledJsonl(opts.data);
  // A report of "0 rows" with every F1 at 0 reads like a result; it is a wrong file.
  if (rows.length === 0) throw new Error(`${opts.data} holds no rows to evaluate (it is empty or only blank lines); expected one JSON object per line`);
  // A --by field the rows cannot be sliced on stops it here, before any model is loaded.
  subsetsOf(rows, opts.by);
  await initTf();
  const advice = { posture: `evaluate a posture model with \`eval posture --labels FILE.jsonl ${opts.compare === undefined ? '--model' : '--compare'} DIR\`` };
  const model = withModelAdvice(() => loadVerbalClassifier({ modelDir: opts.model }), advice);
  // Every classifier loaded is disposed of, whichever report runs and however it ends.
  const loaded: VerbalClassifier[] = [model];
  try {
    const other = opts.compare === undefined ? undefined : withModelAdvice(() => loadVerbalClassifier({ modelDir: opts.compare! }), advice);
    if (other) loaded.push(other);
    // Scoring a model on the rows it was trained with (train verbal --extra) flatters it: said
    // on stderr, so it is seen beside the table and stdout stays one JSON object, and in the JSON.
    const trainedOn = dataInTraining(opts.data, [
      { name: opts.modelGiven, dir: opts.model },
      ...(opts.compare !== undefined ? [{ name: opts.compareGiven ?? opts.compare, dir: opts.compare }] : []),
    ]);
    for (const d of trainedOn) io.err(`buying-signals eval: ${dataInTrainingWarning(d, opts.dataGiven)}`);
    const json = (report: object): string => JSON.stringify({ ...report, dataInTraining: trainedOn });
    if (other) {
      const report = compareVerbal(rows, model, other, opts.thresholds, {
        changed: opts.errors, data: opts.dataGiven, names: { a: opts.modelGiven, b: opts.compareGiven ?? opts.compare }, by: opts.by,
      });
      io.out(opts.json ? json(report) : formatCompareReport(report));
    } else if (opts.sweep) {
      const report = sweepVerbal(rows, model, opts.thresholds, { data: opts.dataGiven, by: opts.by });
      io.out(opts.json ? json(report) : formatSweepReport(report));
    } else {
      const baseline = createKeywordBaseline();
      loaded.push(baseline);
      const report = evaluateVerbal(rows, model, baseline, opts.thresholds, { errors: opts.errors, data: opts.dataGiven, by: opts.by });
      io.out(opts.json ? json(report) : formatEvalReport(report));
    }
    return 0;
  } finally {
    for (const c of loaded) c.dispose();
  }
}
