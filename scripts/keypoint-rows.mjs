#!/usr/bin/env node
// Writes the seated keypoint set (../shared/data/posture/keypoints/jiayii03_sitting_posture,
// MediaPipe landmarks of people sitting upright, reclining, slouching or with crossed legs) as
// `eval posture --labels` landmark rows, so the posture classifier can be measured on it with
// the CLI an analyst uses:
//
//   node scripts/keypoint-rows.mjs --out /tmp/seated.jsonl
//   npx buying-signals eval posture --labels /tmp/seated.jsonl
//
// The set is for measuring only (no licence to redistribute or train on it): the rows are
// written outside this checkout (an --out inside it is refused, so they are never committed),
// and `train posture --extra` must never be given them. Classes map as keypointEval.ts maps
// them: proper → neutral, reclining → leaning_back, slouching → leaning_forward. crossed_legs
// rows are left out unless --with-legs: whether their sitter is upright is not labelled, so
// their only gold label would be legs_crossed and a right "neutral" would count as wrong.
// Build first (`npm run build`): the reader is the compiled server/signals/posture/keypointEval.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: node scripts/keypoint-rows.mjs --out FILE.jsonl [--data DIR] [--aspect 4/3] [--with-legs]';
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) fail(`${name} needs a value`);
  return v;
};
function fail(msg) {
  console.error(`keypoint-rows: ${msg}\n${usage}`);
  process.exit(2);
}
for (const a of args) if (a.startsWith('--') && !['--out', '--data', '--aspect', '--with-legs'].includes(a)) fail(`unknown option ${a}`);

const out = opt('--out') ?? fail('--out is required');
const outAbs = path.resolve(out);
if (outAbs === root || outAbs.startsWith(root + path.sep)) fail(`--out ${out} is inside the checkout; write the rows elsewhere (e.g. /tmp): the set may not be committed`);
const dataDir = path.resolve(opt('--data') ?? process.env.BUYING_SIGNALS_POSTURE_DATA ?? path.join(root, '..', 'shared', 'data', 'posture'));
const aspectArg = opt('--aspect') ?? '4/3';
const m = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(aspectArg);
const aspect = m ? Number(m[1]) / Number(m[2] ?? 1) : NaN;
if (!(aspect > 0 && aspect <= 10)) fail(`--aspect must be a width/height such as 4/3 or 1.333 (0 < aspect <= 10), got ${aspectArg}`);
const withLegs = args.includes('--with-legs');

const compiled = path.join(root, 'dist', 'server', 'signals', 'posture', 'keypointEval.js');
if (!fs.existsSync(compiled)) fail(`${compiled} is missing: run \`npm run build\` first`);
const { readSeatedCsv, KEYPOINT_FILES } = await import(compiled);
const csv = path.join(dataDir, KEYPOINT_FILES.seated);
if (!fs.existsSync(csv)) fail(`${csv} not found (--data: the posture data folder, default ../shared/data/posture)`);

const GOLD = { proper: ['neutral'], reclining: ['leaning_back'], slouching: ['leaning_forward'], crossed_legs: ['legs_crossed'] };
const round = (v) => Math.round(v * 1e5) / 1e5;
// 8 of the set's rows place a foot point beyond y = 2 (far below the picture); landmark rows take
// x and y within [-1, 2], the protocol's range, so they are clamped into it as the web client
// clamps MediaPipe's landmarks before sending them (client/pose/landmarker.ts).
const clamp = (v) => Math.min(2, Math.max(-1, v));
let clamped = 0;
const counts = {};
const lines = [];
for (const { cls, pose } of readSeatedCsv(csv)) {
  const labels = GOLD[cls];
  if (!labels) fail(`${csv}: unknown class "${cls}"`);
  if (cls === 'crossed_legs' && !withLegs) continue;
  counts[cls] = (counts[cls] ?? 0) + 1;
  if (pose.landmarks.some((l) => clamp(l.x) !== l.x || clamp(l.y) !== l.y)) clamped++;
  lines.push(JSON.stringify({ landmarks: pose.landmarks.map((l) => ({ x: round(clamp(l.x)), y: round(clamp(l.y)) })), aspect: round(aspect), labels, class: cls }));
}
fs.writeFileSync(outAbs, lines.join('\n') + '\n');
console.error(`keypoint-rows: ${lines.length} rows (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}) → ${outAbs} (${clamped} with a point clamped into [-1, 2]); measure only, never train on them`);
