// Live turn latency (socket.io `utterance` → its ack) for one session at ~10 turns/s while
// GET /api/quality/compare measures a library model against the running one, beside the same
// run with no comparison. The store holds LABELS labelled customer turns (default 2,000, in
// another session) for the comparison to judge; the library holds a copy of the committed model
// under another version (B). Prints p50 / p99 / max per run, the same for the turns sent while a
// comparison was under way, the comparison's time, and the machine's load (`uptime`): the machine
// may be shared and the figures are wall-clock. Needs `npx tsc -p tsconfig.build.json`.
//   node scripts/measure-compare-latency.cjs          (TURNS=300 RUNS=3 RATE=10 LABELS=2000)
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const { io } = require('socket.io-client');
const ROOT = process.env.ROOT || path.resolve(__dirname, '..');
const { startServer } = require(path.join(ROOT, 'dist/server/main.js'));
const { TEXTS, copyLibrary, load, fmt } = require('./liveLatencyKit.cjs');

const TURNS = Number(process.env.TURNS || 300);
const RUNS = Number(process.env.RUNS || 3);
const RATE = Number(process.env.RATE || 10);
const LABELS = Number(process.env.LABELS || 2000);
const GOLD = ['price_inquiry', 'discount_request', 'resistance', 'price_inquiry', 'purchase_intent', 'neutral'];

async function api(server, method, p, body, raw) {
  const res = await fetch(server.url + p, { method, headers: { 'content-type': raw ? 'text/plain' : 'application/json' }, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  return { status: res.status, body: await res.json() };
}

/** One session of LABELS customer turns, each labelled (varied words so none repeat). */
async function labelled(server) {
  const { body } = await api(server, 'POST', '/api/sessions', { title: 'labels', participants: [{ name: 'Rep', role: 'rep' }, { name: 'Li', role: 'customer' }] });
  const id = body.session.id;
  const utterances = Array.from({ length: LABELS }, (_, i) => ({ speaker: 'Li', text: `${TEXTS[i % TEXTS.length]} ${i}`, startMs: i * 1000 }));
  const up = await api(server, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances }));
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
  const turns = (await api(server, 'GET', `/api/sessions/${id}`)).body.utterances;
  for (const [k, u] of turns.entries()) {
    const put = await api(server, 'PUT', `/api/sessions/${id}/utterances/${u.id}/correction`, { label: GOLD[k % GOLD.length] });
    if (put.status !== 200) throw new Error(`label: ${put.status} ${JSON.stringify(put.body)}`);
  }
}

async function run(server, withCompare) {
  const { session } = (await api(server, 'POST', '/api/sessions', { participants: [{ name: 'Rep', role: 'rep' }, { name: 'Li', role: 'customer' }] })).body;
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
  await new Promise((resolve) => socket.emit('join', { sessionId: session.id }, resolve));
  const all = [];
  const during = [];
  let comparing = false;
  let compareMs = NaN;
  let rows = NaN;
  const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < TURNS; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (withCompare && i === Math.floor(TURNS / 3)) {
      comparing = true;
      const s0 = performance.now();
      pending.push(api(server, 'GET', '/api/quality/compare?model=lib%2Fcopy').then((res) => {
        compareMs = performance.now() - s0;
        comparing = false;
        if (res.status !== 200) throw new Error(`compare: ${res.status} ${JSON.stringify(res.body)}`);
        rows = res.body.rows;
      }));
    }
    const inCompare = comparing;
    const sent = performance.now();
    const utterance = { speaker: 'Li', text: TEXTS[i % TEXTS.length], startMs: i * 1000, endMs: i * 1000 + 800 };
    pending.push(
      new Promise((resolve) => socket.emit('utterance', { sessionId: session.id, utterance }, resolve)).then((ack) => {
        if (!ack.ok) throw new Error(`turn ${i}: ${JSON.stringify(ack.error)}`);
        const ms = performance.now() - sent;
        all.push(ms);
        if (inCompare || comparing) during.push(ms);
      }),
    );
  }
  await Promise.all(pending);
  socket.close();
  return { all, during, compareMs, rows };
}

(async () => {
  const modelsDir = copyLibrary(ROOT, 'bs-measure-compare-latency-');
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', seedDemo: false, modelsDir, auth: 'none', log: () => {} });
  try {
    await labelled(server);
    TURNS > 50 && (await run(server, false));
    for (let r = 1; r <= RUNS; r++) {
      const quiet = await run(server, false);
      console.log(`run ${r} no comparison:   ${fmt(quiet.all)}   load ${load()}`);
      const c = await run(server, true);
      console.log(`run ${r} with comparison: ${fmt(c.all)}; during it ${fmt(c.during)}; comparison of ${c.rows} rows ${c.compareMs.toFixed(0)} ms   load ${load()}`);
    }
  } finally {
    await server.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
