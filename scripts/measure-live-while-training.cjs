#!/usr/bin/env node
// Live turn latency with and without a server training job running: starts the built server
// (in-memory store, no demo, a scratch model library), stores 30 coaches' labels, and from a
// separate client process (its own event loop) sends customer turns over socket.io at a paced
// rate (one session, 10 turns/s), timing each `utterance` from sent to ack. Runs RUNS rounds of
// TURNS turns with no job, then RUNS rounds while one job trains on the real corpus (cancelled
// once they are done), then one more round with no job; prints p50/p99 per round with the load
// average beside it. Needs `npx tsc -p tsconfig.build.json` first. Heavy: run it alone.
// Figures: docs/measurements.md, "Live turns while a job trains".
//
//   node scripts/measure-live-while-training.cjs [--turns 300] [--runs 3] [--rate 10]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const TURNS = arg('turns', 300);
const RUNS = arg('runs', 3);
const RATE = arg('rate', 10);

const ASKS = ['How much is it per seat?', '能便宜点吗？', "Okay, let's sign today.", 'I am not sure, it seems expensive.', '我们再考虑一下。', 'The drive in was long.'];

// ---- the client process: one session, paced turns, sent → ack ----
async function client({ url, sessionId, turns, rate, first }) {
  const { io } = require('socket.io-client');
  const socket = io(url, { transports: ['websocket'] });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  await new Promise((r) => socket.emit('join', { sessionId }, r));
  const lat = [];
  const gap = 1000 / rate;
  const t0 = performance.now();
  const pending = [];
  for (let i = 0; i < turns; i++) {
    // A fixed schedule (not "gap after the ack"): a slow ack does not slow the sender.
    const due = t0 + i * gap;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const k = first + i;
    const sent = performance.now();
    pending.push(
      new Promise((r) =>
        socket.emit('utterance', { sessionId, utterance: { speaker: 'Li', text: `${ASKS[k % ASKS.length]} (${k})`, startMs: k * 4000 } }, (ack) => {
          if (!ack || ack.ok === false) console.error('refused', JSON.stringify(ack));
          lat.push(performance.now() - sent);
          r();
        }),
      ),
    );
  }
  await Promise.all(pending);
  socket.close();
  return lat;
}

if (process.argv.includes('--client')) {
  process.once('message', (job) => client(job).then((lat) => process.send(lat, () => process.exit(0)), (e) => { console.error(e); process.exit(1); }));
  return;
}

// ---- the server process ----
const root = path.resolve(__dirname, '..');
const { startServer } = require(path.join(root, 'dist', 'server', 'main.js'));
const LABELS = [
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
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main() {
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-measure-live-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', seedDemo: false, modelsDir, log: () => {} });
  const api = async (method, p, body, raw) => {
    const res = await fetch(server.url + p, { method, headers: { 'content-type': raw ? 'text/plain' : 'application/json' }, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    return { status: res.status, body: await res.json() };
  };
  const results = [];
  let first = 0;
  const round = async (label, sessionId) => {
    const child = fork(__filename, ['--client'], { stdio: 'inherit' });
    const lat = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => code !== 0 && reject(new Error(`client exited ${code}`)));
      child.send({ url: server.url, sessionId, turns: TURNS, rate: RATE, first });
    });
    first += TURNS;
    const { job } = (await api('GET', '/api/models/verbal/train')).body;
    const r = {
      round: label, turns: lat.length, p50: +pct(lat, 50).toFixed(1), p99: +pct(lat, 99).toFixed(1), max: +Math.max(...lat).toFixed(1),
      job: job ? `${job.state} ${job.progress.phase}${job.progress.member ? ` m${job.progress.member} e${job.progress.epoch}` : ''}` : 'none',
      loadavg: os.loadavg().map((x) => +x.toFixed(2)),
    };
    console.log(JSON.stringify(r));
    results.push(r);
  };
  try {
    const id = (await api('POST', '/api/sessions', { title: 'measure', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body.session.id;
    const turns = Array.from({ length: 30 }, (_, k) => ({ speaker: 'Li', text: `${LABELS[k % 10][0]} (${k})`, startMs: k * 1000 }));
    await api('POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances: turns }));
    const stored = (await api('GET', `/api/sessions/${id}`)).body.utterances;
    for (const [k, u] of stored.entries()) await api('PUT', `/api/sessions/${id}/utterances/${u.id}/correction`, { label: LABELS[k % 10][1] });
    const live = (await api('POST', '/api/sessions', { title: 'live', participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body.session.id;
    for (let k = 0; k < RUNS; k++) await round('no job', live);
    const started = await api('POST', '/api/models/verbal/train', { seed: 7 });
    if (started.status !== 202) throw new Error(`not started: ${JSON.stringify(started.body)}`);
    for (let k = 0; k < RUNS; k++) await round('job training', live);
    const end = await api('GET', '/api/models/verbal/train');
    if (['queued', 'running'].includes(end.body.job.state)) await api('DELETE', '/api/models/verbal/train');
    else console.log(`(the job ended before the last round: ${end.body.job.state} in ${end.body.job.elapsedMs} ms)`);
    await round('no job (after)', live);
  } finally {
    await server.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ cpus: os.cpus().length, node: process.version }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
