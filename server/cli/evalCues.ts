// `buying-signals eval cues --data FILE.jsonl`: cue precision from the coaches' verdicts the
// server exports (GET /api/cue-reviews), as a table or (--json) one JSON object. No model is
// loaded: the rows carry the cues' reasons, scores and evidence.
import { evaluateCues, formatCueReport } from '../eval/cueReviewEval';
import { readCueReviewsJsonl } from '../eval/cueReviewRows';
import { listFlag, parseArgs, requireFile, UsageError } from './args';
import type { CliIO } from './io';
import { resolveFlagPath } from './train';

export const EVAL_CUES_USAGE = `usage: buying-signals eval cues --data FILE.jsonl [--by FIELD] [--sweep] [--json]
  rows: the coaches' cue verdicts as GET /api/cue-reviews exports them, {"session", "cue_type", "media_ms",
    "verdict", "note"?, "reviewed_at", "emitted", and when emitted "reason", "score", "technique",
    "model_version", "evidence"}, and any other fields (kept for --by)
  prints precision = useful / (useful + false_alarm) of the emitted cues reviewed, overall, per cue type
    and per reason, with a 95 % bootstrap interval over the sessions (1,000 seeded resamples; over the
    rows when the verdicts come from one session) and the mean cue score of useful cues and false
    alarms; verdicts on cues the current analysis no longer emits (emitted: false) are counted, left out
  --by FIELD: also the same table per value of a top-level field of the rows (model_version, technique,
    session, reason, …; reason=(none) for rows without it); repeat it or give FIELD,FIELD for one
    slicing per field (not their cross product); strings, numbers, true/false, at most 50 values
  --sweep: also, per verbal signal label that triggered reviewed cues, what serve --thresholds for it
    would keep of them over 0.50, 0.55, …, 0.95 (useful and false alarms kept, precision, useful lost),
    the best precision keeping ≥ 80 % of the useful ones marked and printed as a --thresholds value.
    A what-if on the reviewed cues only: check a picked value by re-analysing (analyze --compare) and new reviews`;

export async function runEvalCues(args: string[], io: CliIO): Promise<number> {
  let opts: { data: string; dataGiven: string; by: string[]; sweep: boolean; json: boolean };
  try {
    const a = parseArgs(args, { values: ['data', 'by'], switches: ['json', 'sweep'], lists: ['by'] });
    if (a.positionals.length) throw new UsageError(`eval cues takes no arguments, got "${a.positionals.join(' ')}" (give the file with --data)`);
    if (a.values.data === undefined) throw new UsageError('--data FILE.jsonl is required');
    opts = {
      data: resolveFlagPath(a.values.data, ''),
      dataGiven: a.values.data,
      by: listFlag(a.values.by, 'by'),
      sweep: a.switches.has('sweep'),
      json: a.switches.has('json'),
    };
    requireFile(opts.data);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`buying-signals eval: ${e.message}\n${EVAL_CUES_USAGE}`);
    return 2;
  }
  const rows = readCueReviewsJsonl(opts.data);
  // A report of "0 verdicts" reads like a result; it is a wrong file (or no coach has reviewed yet).
  if (rows.length === 0) {
    throw new Error(`${opts.data} holds no rows to evaluate (it is empty or only blank lines); expected one JSON object per line, as GET /api/cue-reviews downloads them (an empty download: no cue has a verdict yet)`);
  }
  const report = evaluateCues(rows, { data: opts.dataGiven, by: opts.by, sweep: opts.sweep });
  io.out(opts.json ? JSON.stringify(report) : formatCueReport(report));
  return 0;
}
