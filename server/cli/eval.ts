// `buying-signals eval verbal --data FILE.jsonl`: precision/recall/F1 of the trained verbal
// model beside the keyword baseline, as a table or (--json) one JSON object.
import { initTf } from '../runtime/backend';
import { createKeywordBaseline } from '../signals/verbal/baseline';
import { readLabeledJsonl } from '../signals/verbal/corpus';
import { loadVerbalClassifier } from '../signals/verbal/model';
import { evaluateVerbal, formatEvalReport } from '../eval/verbalEval';
import { parseArgs, requireFile, UsageError } from './args';
import type { CliIO } from './io';
import { runEvalPosture } from './posture';
import { DEFAULT_MODEL_DIR, resolveFlagPath } from './train';

export const EVAL_USAGE = `usage: buying-signals eval verbal --data FILE.jsonl [--model ${DEFAULT_MODEL_DIR}] [--json]
  rows: {"text", "label", "lang"?, "role"?: "customer"|"rep" (or "speaker": "buyer"|"seller"), "context"?, "needs_context"?}`;

export async function runEval(args: string[], io: CliIO): Promise<number> {
  if (args[0] === 'posture') return runEvalPosture(args.slice(1), io);
  let opts: { data: string; model: string; json: boolean };
  try {
    const a = parseArgs(args, { values: ['data', 'model'], switches: ['json'] });
    if (a.positionals.length !== 1 || a.positionals[0] !== 'verbal') {
      throw new UsageError(a.positionals.length ? `unknown eval target "${a.positionals.join(' ')}"` : 'eval needs a target');
    }
    if (a.values.data === undefined) throw new UsageError('--data FILE.jsonl is required');
    opts = { data: resolveFlagPath(a.values.data, ''), model: resolveFlagPath(a.values.model, DEFAULT_MODEL_DIR), json: a.switches.has('json') };
    requireFile(opts.data);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${e.message}\n${EVAL_USAGE}`);
    return 2;
  }
  const rows = readLabeledJsonl(opts.data);
  await initTf();
  const model = loadVerbalClassifier({ modelDir: opts.model });
  const baseline = createKeywordBaseline();
  try {
    const report = evaluateVerbal(rows, model, baseline);
    io.out(opts.json ? JSON.stringify(report) : formatEvalReport(report));
    return 0;
  } finally {
    model.dispose();
    baseline.dispose();
  }
}
