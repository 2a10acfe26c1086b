// The `buying-signals` command: serve, analyze, train, eval.
import { runAnalyze, ANALYZE_USAGE } from './analyze';
import { EVAL_USAGE, runEval } from './eval';
import { EVAL_CUES_USAGE } from './evalCues';
import { processIO, type CliIO } from './io';
import { EVAL_POSTURE_USAGE, TRAIN_POSTURE_USAGE } from './posture';
import { runServe, SERVE_USAGE } from './serve';
import { runTrain, TRAIN_USAGE } from './train';
import { UsageError } from './args';

export const USAGE = `usage: buying-signals <command> [options]
commands:
  serve                  run the server with the browser client (default port $PORT or 3000)
  analyze FILE|-         annotate a transcript file (WebVTT, SRT, JSON, text; - reads standard input) and list the cues
  analyze PHOTO...       each person's posture labels in photos, judged on the photo alone
  analyze FILE... --compare DIR   what the verbal model in DIR changes on transcripts against --model, each and pooled (no labels needed)
  train verbal           train the verbal classifier into models/verbal/ from fixtures/verbal/corpus.jsonl
  train posture          train the posture classifier into models/posture/ from synthetic skeletons (--extra F: and coaches' landmark rows)
  eval verbal --data F   precision/recall/F1 of the verbal model and a keyword baseline on labelled rows
  eval posture --labels F [--images DIR]   per-label P/R/F1 of posture on labelled photos (server-side pose) and landmark rows
  eval … --compare DIR   the same data judged by two models (--model and DIR), with a paired interval of the difference
  eval verbal … --sweep  each signal label's P/R/F1 and the macro-F1 as its threshold goes over 0.30-0.90 (pick on one file, check on another)
  eval cues --data F     cue precision from coaches' verdicts (GET /api/cue-reviews) per type and reason, intervals over the meetings
  eval cues … --sweep    what each label's serve --thresholds 0.50-0.95 would keep of the reviewed cues (a what-if: check by re-analysing)

${SERVE_USAGE}
${ANALYZE_USAGE}`;

/**
 * Each command's own usage, for `buying-signals <command> --help`; train and eval have one per
 * target (`eval posture --help`), and all of them when no target is named.
 */
const COMMAND_USAGE: Record<string, string | Record<string, string>> = {
  serve: SERVE_USAGE,
  analyze: ANALYZE_USAGE,
  train: { verbal: TRAIN_USAGE, posture: TRAIN_POSTURE_USAGE },
  eval: { verbal: EVAL_USAGE, posture: EVAL_POSTURE_USAGE, cues: EVAL_CUES_USAGE },
};

/** The usage `<cmd> [target] --help` prints, or undefined for an unknown command. */
export function commandUsage(cmd: string, rest: readonly string[]): string | undefined {
  const usage = Object.hasOwn(COMMAND_USAGE, cmd) ? COMMAND_USAGE[cmd] : undefined;
  if (usage === undefined || typeof usage === 'string') return usage;
  const target = rest[0];
  return target !== undefined && Object.hasOwn(usage, target) ? usage[target] : Object.values(usage).join('\n');
}

export async function main(argv: string[], io: CliIO = processIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [cmd, ...rest] = argv;
  // `serve --help`, `eval verbal -h`, …: the command's usage, and success (a new user's first try).
  const usage = cmd === undefined ? undefined : commandUsage(cmd, rest);
  if (usage !== undefined && rest.some((a) => a === '--help' || a === '-h')) {
    io.out(usage);
    return 0;
  }
  try {
    switch (cmd) {
      case 'serve':
        return await runServe(rest, io, env);
      case 'analyze':
        return await runAnalyze(rest, io);
      case 'train':
        return await runTrain(rest, io);
      case 'eval':
        return await runEval(rest, io);
      case undefined:
        // Nothing asked for: a usage error, so the usage goes to stderr (stdout stays empty for a pipe).
        io.err(`buying-signals: a command is needed\n${USAGE}`);
        return 2;
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return 0;
      default:
        io.err(`unknown command "${cmd}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    io.err(`buying-signals ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
