#!/usr/bin/env node
// Times one server training job (POST /api/models/verbal/train) on the real corpus with one
// worker: starts the built server (in-memory store, no demo, no warm-up, a scratch model
// library), stores 30 coaches' labels through the API, starts a job with a seed and polls it
// until it ends, printing its phases as they come and, as JSON, the job's rows, elapsed time and
// validation figures. Needs `npm run build` first. Heavy (one core for minutes): run it alone.
//
//   node scripts/measure-train-job.cjs [--seed N]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { startServer } = require(path.join(root, 'dist', 'server', 'main.js'));

const TEXTS = [
  ['How much would the premium plan cost for twelve people?', 'price_inquiry'],
  ['Could you do something on the price if we sign for two years?', 'discount_request'],
  ['Okay, send the contract, we will sign this week.', 'purchase_intent'],
  ['Honestly that is more than we budgeted; I do not think we can.', 'resistance'],
  ['We had a long drive in this morning.', 'neutral'],
  ['这个套餐一年大概多少钱？', 'price_inquiry'],
  ['能不能再给我们便宜一点？', 'discount_request'],
  ['好，那我们就定这个方案吧。', 'purchase_intent'],
  ['太贵了，我们还得再考虑考虑。', 'resistance'],
  ['今天路上有点堵。', 'neutral'],
];

async function main() {
  const i = process.argv.indexOf('--seed');
  const seed = i > 0 ? Number(process.argv[i + 1]) : 7;
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-measure-train-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', seedDemo: false, modelsDir, log: () => {} });
  const api = async (method, p, body, raw) => {
    const res = await fetch(server.url + p, { method, headers: { 'content-type': raw ? 'text/plain' : 'application/json' }, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    return { status: res.status, body: await res.json() };
  };
  try {
    const id = (await api('POST', '/api/sessions', { title: 'measure', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body.session.id;
    const turns = Array.from({ length: 30 }, (_, k) => ({ speaker: 'Li', text: `${TEXTS[k % 10][0]} (${k})`, startMs: k * 1000 }));
    await api('POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: turns }));
    const stored = (await api('GET', `/api/sessions/${id}`)).body.utterances;
    for (const [k, u] of stored.entries()) await api('PUT', `/api/sessions/${id}/utterances/${u.id}/correction`, { label: TEXTS[k % 10][1] });
    const started = await api('POST', '/api/models/verbal/train', { seed });
    if (started.status !== 202) throw new Error(`not started: ${JSON.stringify(started.body)}`);
    let last = '';
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const { job } = (await api('GET', '/api/models/verbal/train')).body;
      const line = `${job.state} ${job.progress.phase}${job.progress.member ? ` member ${job.progress.member}/${job.progress.members} epoch ${job.progress.epoch}` : ''}`;
      if (line !== last) console.error(`${(job.elapsedMs / 1000).toFixed(0)} s: ${line}`);
      last = line;
      if (!['queued', 'running'].includes(job.state)) {
        console.log(JSON.stringify({ seed, state: job.state, rows: job.rows, elapsedMs: job.elapsedMs, result: job.result, error: job.error, cpus: os.cpus().length, loadavg: os.loadavg() }, null, 2));
        break;
      }
    }
  } finally {
    await server.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
