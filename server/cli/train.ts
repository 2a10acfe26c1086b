// `buying-signals train verbal`: trains the verbal classifier from the project's corpus and
// writes weights, manifest and metrics into models/verbal/ (paths relative to the project).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TRAIN_SEED_MAX } from '../../protocol/training';
import { projectRoot, shownPath } from '../paths';
import { initTf } from '../runtime/backend';
import { readLabeledJsonl, type LabeledRow } from '../signals/verbal/corpus';
import { withExtraRows } from '../signals/verbal/extraRows';
import { defaultTrainWorkers } from '../signals/members';
import { DEFAULT_TRAIN_OPTIONS, saveTrainedModel, trainVerbal, type TrainOptions } from '../signals/verbal/train';
import { checkOutFolder, intFlag, outRule, parseArgs, requireFile, UsageError } from './args';
import type { CliIO } from './io';
import { runTrainPosture, TRAIN_POSTURE_USAGE } from './posture';
import { EXTRA_FILES_MAX, EXTRA_WEIGHT_MAX, extraFlags, readExtraFiles, type ExtraFlags } from './trainExtra';

export const DEFAULT_CORPUS = 'fixtures/verbal/corpus.jsonl';
export const DEFAULT_MODEL_DIR = 'models/verbal';

export const TRAIN_USAGE = `usage: buying-signals train verbal [--corpus ${DEFAULT_CORPUS}] [--extra FILE]... [--extra-weight N] [--out ${DEFAULT_MODEL_DIR}] [--seed N] [--epochs N] [--workers N] [--force]
  defaults are relative to the project root, paths you give to the working directory; seed ${DEFAULT_TRAIN_OPTIONS.seed}, at most ${DEFAULT_TRAIN_OPTIONS.epochs} epochs (early stopping);
  --extra FILE: labelled rows in eval verbal's format (e.g. coach corrections, GET /api/corrections) trained on beside the corpus;
    repeat it for more files (at most ${EXTRA_FILES_MAX}); the model's manifest and metrics.json record each file's path, sha256 and rows
  --extra-weight N: each --extra row counts N times (a whole number from 1 to ${EXTRA_WEIGHT_MAX}, default 1); its copies stay on one side of the validation split
  --workers: threads the ${DEFAULT_TRAIN_OPTIONS.ensemble} ensemble members train on (default one per core; the weights are the same bytes for any number)
  ${outRule('verbal')}`;

/**
 * A path the user typed is taken from the working directory, like any file argument; a
 * default is taken from the project root, so the command works from any directory.
 */
export function resolveFlagPath(given: string | undefined, projectDefault: string): string {
  return given !== undefined ? path.resolve(given) : path.join(projectRoot(), projectDefault);
}

/** Largest --seed (the server's training jobs share it); scripts/measure-verbal-recipe.mjs checks the same bound before it trains. */
export { TRAIN_SEED_MAX };

export async function runTrain(args: string[], io: CliIO): Promise<number> {
  if (args[0] === 'posture') return runTrainPosture(args.slice(1), io);
  let opts: { corpus: string; extra: ExtraFlags; out: string; seed: number; epochs: number; workers: number };
  try {
    const a = parseArgs(args, { values: ['corpus', 'extra', 'extra-weight', 'out', 'seed', 'epochs', 'workers'], switches: ['force'], repeated: ['extra'] });
    if (a.positionals.length !== 1 || a.positionals[0] !== 'verbal') {
      // Without a known target, the usage of both targets (verbal and posture).
      const both = `${TRAIN_USAGE}\n${TRAIN_POSTURE_USAGE}`;
      throw new UsageError(`${a.positionals.length ? `unknown train target "${a.positionals.join(' ')}"` : 'train needs a target (verbal or posture)'}\n${both}`, true);
    }
    const corpus = resolveFlagPath(a.values.corpus, DEFAULT_CORPUS);
    opts = {
      corpus,
      extra: extraFlags(a.repeated.extra ?? [], a.values['extra-weight'], corpus),
      out: resolveFlagPath(a.values.out, DEFAULT_MODEL_DIR),
      seed: intFlag(a.values.seed, 'seed', 0, TRAIN_SEED_MAX) ?? DEFAULT_TRAIN_OPTIONS.seed,
      epochs: intFlag(a.values.epochs, 'epochs', 1, 1000) ?? DEFAULT_TRAIN_OPTIONS.epochs,
      workers: intFlag(a.values.workers, 'workers', 1, 64) ?? defaultTrainWorkers(),
    };
    // Missing or a folder: a usage error, as eval's --data (not a raw EISDIR after start-up).
    requireFile(opts.corpus);
    checkOutFolder('verbal', opts.out, a.switches.has('force'));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // As main prints train posture's: "buying-signals train: …", then the usage.
    io.err(`buying-signals train: ${e.hasUsage ? e.message : `${e.message}\n${TRAIN_USAGE}`}`);
    return 2;
  }
  const bytes = fs.readFileSync(opts.corpus);
  const rows = readLabeledJsonl(opts.corpus);
  // As eval verbal refuses an empty data file: "training verbal on 0 rows" then "no training rows" read like a run.
  if (rows.length === 0) throw new Error(`${opts.corpus} holds no rows to train on (it is empty or only blank lines); expected one JSON object per line`);
  warnRepRows(rows, opts.corpus, io);
  // Read (and refused) before training starts, as the corpus is.
  const extra = readExtraFiles(opts.extra);
  for (const f of extra?.files ?? []) warnRepRows(f.rows, f.file, io);
  // Without --extra, exactly `rows`: the same rows in the same order, so the same weights as ever.
  const trainRows = withExtraRows(rows, extra?.files.map((f) => f.rows) ?? [], opts.extra.weight);
  const backend = await initTf();
  const fromExtra = (extra?.record.files ?? []).map((f) => `, ${f.rows}${opts.extra.weight > 1 ? ` × ${opts.extra.weight}` : ''} from ${f.path}`).join('');
  const from = extra ? `: ${rows.length} from ${shownPath(opts.corpus)}${fromExtra}` : ` from ${shownPath(opts.corpus)}`;
  io.out(`training verbal on ${trainRows.length} rows${from} (backend ${backend.name}, seed ${opts.seed}, ${opts.workers} worker${opts.workers === 1 ? '' : 's'})`);
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, seed: opts.seed, epochs: opts.epochs };
  const result = await trainVerbal(trainRows, options, { log: io.out, workers: opts.workers });
  const manifest = saveTrainedModel(opts.out, result, {
    corpus: {
      path: shownPath(opts.corpus),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      rows: rows.length,
    },
    ...(extra ? { extra: extra.record } : {}),
    seed: opts.seed,
    options,
    date: new Date(),
  });
  io.out(
    `wrote ${manifest.version} to ${opts.out}: ${epochSummary(result.memberEpochs)}, validation macro-F1 ${result.validation.macroF1.toFixed(3)} on ${result.validationRows} rows, ${(result.trainingMs / 1000).toFixed(1)} s`,
  );
  return 0;
}

/** `best epochs 8, 11, 9 (of 12, 15, 13 run)`: every member's, in member order. */
export function epochSummary(members: readonly { run: number; best: number }[]): string {
  const one = members.length === 1;
  return `best epoch${one ? '' : 's'} ${members.map((m) => m.best).join(', ')} (of ${members.map((m) => m.run).join(', ')} run)`;
}

/**
 * Warns about rep rows in a training file (the corpus or an --extra file), naming their lines: the
 * pipeline never classifies a rep's turn, so a rep row teaches the model nothing it will be asked;
 * its text is still learnt under its label, as a customer's would be.
 */
function warnRepRows(rows: readonly LabeledRow[], file: string, io: CliIO): void {
  const repRows = rows.filter((r) => r.role === 'rep');
  if (repRows.length === 0) return;
  const lines = repRows.slice(0, 5).map((r) => r.line).join(', ');
  io.err(
    `buying-signals train: warning: ${repRows.length} row${repRows.length === 1 ? '' : 's'} of ${shownPath(file)} ${repRows.length === 1 ? 'is a rep turn' : 'are rep turns'} (line${repRows.length === 1 ? '' : 's'} ${lines}${repRows.length > 5 ? ', …' : ''}); they are trained as customer turns with their label, though the pipeline gives rep turns no signals (put a rep's words in the next row's "context" instead)`,
  );
}
