#!/usr/bin/env node
// Leak check: no row of the training corpus (text or context) may equal a dev-set text/context
// after normalising (NFKC, lower-case, letters and digits only), nor share a run of 14 or more
// normalised characters with one. Needs `npm run build` (reads dist/fixtures/verbal/overlap.js).
//
//   node scripts/check-corpus-overlap.mjs [--corpus fixtures/verbal/corpus.jsonl] [--dev ../shared/data/text/dev.jsonl] [--strict] [--help]
//
// Hits on stock phrases (an equal string under 6 characters such as 嗯嗯/hello, or a shared
// Latin run under 28 characters = a 3-5 word phrase such as "how much are you asking") are
// counted per language; every other hit is listed and fails the check. --strict lists and
// fails on every hit. Exit code 0: no failing hit; 1: failing hits; 2: a usage error (--help
// prints the usage) or a file is missing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: node scripts/check-corpus-overlap.mjs [--corpus FILE] [--dev FILE] [--strict]
  --corpus FILE  training corpus to check (default fixtures/verbal/corpus.jsonl)
  --dev FILE     dev set to check it against (default $VERBAL_DEV_DATA, else ../shared/data/text/dev.jsonl)
  --strict       list and fail on every hit, stock phrases included
  --help, -h     this text
needs \`npm run build\` (reads dist/fixtures/verbal/overlap.js); exit 0: no failing hit, 1: failing hits, 2: a usage error or a missing file`;

/** Strict flags: an unknown flag, a stray argument or a flag without its value is a usage error naming it. */
function parseCliArgs(argv) {
  const out = { strict: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--strict') out.strict = true;
    else if (a.startsWith('--corpus') || a.startsWith('--dev')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(0, eq) : a;
      if (name !== '--corpus' && name !== '--dev') throw new Error(`unknown option ${name}`);
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '' || (eq < 0 && v.startsWith('-'))) throw new Error(`${name} needs a FILE`);
      out[name.slice(2)] = v;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else throw new Error(`unexpected argument "${a}"`);
  }
  return out;
}

let args;
try {
  args = parseCliArgs(process.argv.slice(2));
} catch (e) {
  console.error(`check-corpus-overlap: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const corpusPath = args.corpus ?? path.join(root, 'fixtures/verbal/corpus.jsonl');
const devPath = args.dev ?? process.env.VERBAL_DEV_DATA ?? path.resolve(root, '..', 'shared', 'data', 'text', 'dev.jsonl');
for (const f of [corpusPath, devPath]) {
  if (!fs.existsSync(f)) {
    console.error(`missing ${f}`);
    process.exit(2);
  }
}
const { findOverlaps, MIN_SHARED } = await import(path.join(root, 'dist/fixtures/verbal/overlap.js'));
const readJsonl = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const corpus = readJsonl(corpusPath);
const dev = readJsonl(devPath);
const strict = args.strict;
const hits = findOverlaps(corpus, dev);
const failing = strict ? hits : hits.filter((h) => !h.stock);
for (const h of failing) {
  const r = corpus[h.row];
  console.log(`${h.kind}\t${h.field}\trow ${h.row + 1}\t[${h.shared}]\t${r[h.field]}`);
}
const byKind = {};
for (const h of hits.filter((x) => x.stock)) {
  const lang = corpus[h.row].lang ?? '?';
  const k = `${lang} ${h.kind} ${h.field}`;
  byKind[k] = (byKind[k] ?? 0) + 1;
}
const distinct = new Set(hits.filter((x) => x.stock).map((h) => h.shared)).size;
console.log(`${corpus.length} corpus rows vs ${dev.length} dev rows (equal after normalising, or a shared run of >= ${MIN_SHARED} characters):`);
console.log(`  stock-phrase hits: ${hits.length - hits.filter((h) => !h.stock).length} (${distinct} distinct strings) ${JSON.stringify(byKind)}`);
console.log(`  other hits: ${hits.filter((h) => !h.stock).length}${strict ? ' (--strict: all hits listed above fail)' : ''}`);
process.exit(failing.length ? 1 : 0);
