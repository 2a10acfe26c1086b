// The `buying-signals` command: serve, analyze, train, eval.
import { runAnalyze, ANALYZE_USAGE } from './analyze';
import { EVAL_USAGE, runEval } from './eval';
import { processIO, type CliIO } from './io';
import { runServe, SERVE_USAGE } from './serve';
import { runTrain, TRAIN_USAGE } from './train';
import { UsageError } from './args';

export const USAGE = `usage: buying-signals <command> [options]
commands:
  serve                  run the server with the browser client (default port $PORT or 3000)
  analyze FILE           annotate a transcript file (WebVTT, SRT, JSON, text) and list the cues
  analyze PHOTO...       each person's posture labels in photos, judged on the photo alone
  train verbal           train the verbal classifier into models/verbal/ from fixtures/verbal/corpus.jsonl
  train posture          train the posture classifier into models/posture/ from synthetic skeletons
  eval verbal --data F   precision/recall/F1 of the verbal model and a keyword baseline on labelled rows
  eval posture --labels F --images DIR   per-label P/R/F1 of posture on labelled photos (server-side pose)

${SERVE_USAGE}
${ANALYZE_USAGE}`;

/** Each command's own usage, for `buying-signals <command> --help`. */
const COMMAND_USAGE: Record<string, string> = { serve: SERVE_USAGE, analyze: ANALYZE_USAGE, train: TRAIN_USAGE, eval: EVAL_USAGE };

export async function main(argv: string[], io: CliIO = processIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [cmd, ...rest] = argv;
  // `serve --help`, `eval verbal -h`, …: the command's usage, and success (a new user's first try).
  if (cmd !== undefined && COMMAND_USAGE[cmd] && rest.some((a) => a === '--help' || a === '-h')) {
    io.out(COMMAND_USAGE[cmd]);
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
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return cmd === undefined ? 2 : 0;
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
