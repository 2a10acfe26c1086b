#!/usr/bin/env node
// Measures the verbal training recipe on a corpus over several training seeds: a single
// model's dev figures move by about ±0.02 with the seed, so a corpus or recipe change is judged
// on the mean over seeds (the figures in fixtures/verbal/README.md were made this way).
// Trains one model per seed with `buying-signals train verbal` into a scratch folder, evaluates
// each with `eval verbal --json`, and prints per-seed and mean macro-F1 per language and the
// mean per-label F1. Needs `npm run build` first.
//
//   node scripts/measure-verbal-recipe.mjs [--corpus FILE] [--data FILE] [--seeds 3,5,7,...]
//                                          [--parallel N] [--out DIR] [--json]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'server', 'cli', 'main.js');
/** Largest seed `buying-signals train --seed` takes (TRAIN_SEED_MAX in server/cli/train.ts): checked up front, not one seed into a run. */
const SEED_MAX = 2 ** 31 - 1;
const USAGE = `usage: node scripts/measure-verbal-recipe.mjs [--corpus FILE] [--data FILE] [--seeds 3,5,7,11,13,17,19,23] [--parallel 2] [--out DIR] [--json]`;

function fail(msg) {
  console.error(`measure-verbal-recipe: ${msg}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    corpus: path.join(root, 'fixtures', 'verbal', 'corpus.jsonl'),
    data: path.join(root, '..', 'shared', 'data', 'text', 'dev.jsonl'),
    seeds: [3, 5, 7, 11, 13, 17, 19, 23],
    parallel: Math.max(1, Math.min(2, os.cpus().length)),
    out: undefined,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--corpus') o.corpus = path.resolve(value());
    else if (a === '--data') o.data = path.resolve(value());
    else if (a === '--out') o.out = path.resolve(value());
    else if (a === '--json') o.json = true;
    else if (a === '--seeds') {
      const raw = value();
      const parts = raw.split(',').map((s) => s.trim());
      o.seeds = parts.map(Number);
      if (parts.some((s) => s === '') || o.seeds.some((s) => !Number.isInteger(s) || s < 0 || s > SEED_MAX)) {
        fail(`--seeds must be a comma-separated list of whole numbers 0..${SEED_MAX} (what \`buying-signals train --seed\` takes), got "${raw}"`);
      }
      if (new Set(o.seeds).size !== o.seeds.length) fail(`--seeds lists a seed twice: "${raw}"`);
    } else if (a === '--parallel') {
      const raw = value();
      o.parallel = Number(raw);
      if (!Number.isInteger(o.parallel) || o.parallel < 1 || o.parallel > 16) fail(`--parallel must be a whole number 1..16, got "${raw}"`);
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument "${a}"`);
  }
  if (!fs.existsSync(cli)) fail(`${path.relative(root, cli)} is missing: run \`npm run build\` first`);
  if (!fs.existsSync(o.corpus)) fail(`--corpus: no file at ${o.corpus}`);
  if (!fs.existsSync(o.data)) fail(`--data: no file at ${o.data}`);
  return o;
}

function run(args, logFile) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const log = fs.createWriteStream(logFile);
    child.stdout.on('data', (d) => {
      out += d;
      log.write(d);
    });
    child.stderr.on('data', (d) => log.write(d));
    child.on('error', reject);
    child.on('close', (code) => {
      log.end();
      if (code === 0) resolve(out);
      else reject(new Error(`buying-signals ${args.slice(0, 2).join(' ')} exited with ${code}; see ${logFile}`));
    });
  });
}

/** Per language: each seed's macro-F1 and per-label F1, from `eval verbal --json` reports (labels as they name them). */
function summarize(reports) {
  const langs = {};
  for (const { seed, report } of reports) {
    for (const s of report.subsets) {
      if (s.name !== 'en' && s.name !== 'zh') continue;
      const l = (langs[s.name] ??= { seeds: {}, labels: s.model.labels, perLabel: Object.fromEntries(s.model.labels.map((x) => [x, []])) });
      l.seeds[seed] = s.model.macroF1;
      for (const x of l.labels) l.perLabel[x].push(s.model.perLabel[x]?.f1 ?? 0);
    }
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return Object.fromEntries(
    Object.entries(langs).map(([lang, l]) => [
      lang,
      {
        seeds: l.seeds,
        meanMacroF1: mean(Object.values(l.seeds)),
        meanF1PerLabel: Object.fromEntries(l.labels.map((x) => [x, mean(l.perLabel[x])])),
      },
    ]),
  );
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const out = o.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'verbal-recipe-'));
  fs.mkdirSync(out, { recursive: true });
  const queue = [...o.seeds];
  const reports = [];
  const worker = async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      const dir = path.join(out, `seed-${seed}`);
      // The model gets a folder of its own: train refuses an --out holding other files (the logs).
      const model = path.join(dir, 'model');
      fs.mkdirSync(dir, { recursive: true });
      await run(['train', 'verbal', '--corpus', o.corpus, '--out', model, '--seed', String(seed)], path.join(dir, 'train.log'));
      const json = await run(['eval', 'verbal', '--data', o.data, '--model', model, '--json'], path.join(dir, 'eval.json'));
      reports.push({ seed, report: JSON.parse(json) });
      if (!o.json) console.error(`seed ${seed} done`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.parallel, o.seeds.length) }, worker));
  const summary = summarize(reports);
  if (o.json) {
    console.log(JSON.stringify({ corpus: o.corpus, data: o.data, models: out, ...summary }));
    return;
  }
  console.log(`corpus ${path.relative(process.cwd(), o.corpus)}, ${o.seeds.length} seeds, models in ${out}`);
  for (const [lang, s] of Object.entries(summary)) {
    const per = o.seeds.map((seed) => `${seed}:${s.seeds[seed].toFixed(3)}`).join(' ');
    const labels = Object.entries(s.meanF1PerLabel).map(([x, f1]) => `${x} ${f1.toFixed(3)}`).join(', ');
    console.log(`${lang}: mean macro-F1 ${s.meanMacroF1.toFixed(4)} (${per})\n    mean F1 per label: ${labels}`);
  }
}

main().catch((err) => {
  console.error(`measure-verbal-recipe: ${err.message}`);
  process.exit(1);
});
