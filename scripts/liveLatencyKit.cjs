// What the live-latency measuring scripts share (measure-switch-latency.cjs,
// measure-compare-latency.cjs): the customer turns they send, a scratch library holding a copy
// of the committed verbal model under another version, and the percentile lines they print.
const fs = require('fs');
const os = require('os');
const path = require('path');

const TEXTS = ['How much would that be per month?', 'Can you do a better price for two years?', 'I am not sure it fits our budget.', '这个套餐每个月多少钱？', '好的，我们就定这个吧。', 'Tell me more about the onboarding.'];

/** A library holding a copy of the committed model under another version (as library.testkit does), as `<dir>/verbal/copy`. */
function copyLibrary(root, prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const to = path.join(dir, 'verbal', 'copy');
  fs.mkdirSync(to, { recursive: true });
  const from = path.join(root, 'models', 'verbal');
  for (const f of ['weights.bin.gz', 'metrics.json']) fs.copyFileSync(path.join(from, f), path.join(to, f));
  const m = JSON.parse(fs.readFileSync(path.join(from, 'manifest.json'), 'utf8'));
  fs.writeFileSync(path.join(to, 'manifest.json'), JSON.stringify({ ...m, version: 'verbal-20261201-c0c0c0c0' }));
  return dir;
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (xs) => (xs.length ? `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n ${xs.length})` : 'n 0');

module.exports = { TEXTS, copyLibrary, load, pct, fmt };
