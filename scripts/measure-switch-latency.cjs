// Live turn latency (socket.io `utterance` → its ack) for one session at ~10 turns/s, with no
// switch of the running verbal model, and with one (PUT /api/settings/verbal) in the middle of
// the run. Prints p50 / p99 / max per run, the same for the turns sent while the switch was under
// way, the switch's own time, and the machine's load (`uptime`) beside each: the machine may be
// shared, and the figures are wall-clock. Needs `npx tsc -p tsconfig.build.json` (dist/server).
//   node scripts/measure-switch-latency.cjs          (TURNS=300 RUNS=3 RATE=10)
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


async function run(server, withSwitch, target) {
  const { session } = await (await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ participants: [{ name: 'Rep', role: 'rep' }, { name: 'Li', role: 'customer' }] }) })).json();
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
  await new Promise((resolve) => socket.emit('join', { sessionId: session.id }, resolve));
  const all = [];
  const during = [];
  let switching = false;
  let switchMs = NaN;
  const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < TURNS; i++) {
    // Paced by the clock, not by the acks: a stalled server sees turns pile up as a meeting would send them.
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (withSwitch && i === Math.floor(TURNS / 2)) {
      switching = true;
      const s0 = performance.now();
      pending.push(
        fetch(`${server.url}/api/settings/verbal`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: target }) }).then(async (res) => {
          switchMs = performance.now() - s0;
          switching = false;
          if (res.status !== 200) throw new Error(`switch: ${res.status} ${await res.text()}`);
        }),
      );
    }
    const inSwitch = switching;
    const sent = performance.now();
    const utterance = { speaker: 'Li', text: TEXTS[i % TEXTS.length], startMs: i * 1000, endMs: i * 1000 + 800 };
    pending.push(
      new Promise((resolve) => socket.emit('utterance', { sessionId: session.id, utterance }, resolve)).then((ack) => {
        if (!ack.ok) throw new Error(`turn ${i}: ${JSON.stringify(ack.error)}`);
        const ms = performance.now() - sent;
        all.push(ms);
        if (inSwitch || switching) during.push(ms);
      }),
    );
  }
  await Promise.all(pending);
  socket.close();
  return { all, during, switchMs };
}

(async () => {
  const modelsDir = copyLibrary(ROOT, 'bs-measure-switch-');
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', seedDemo: false, modelsDir, auth: 'none', log: () => {} });
  try {
    // A short run first, not counted: the live path's first turns.
    TURNS > 50 && (await run(server, false, null));
    let target = 'lib/copy';
    for (let r = 1; r <= RUNS; r++) {
      const quiet = await run(server, false, null);
      console.log(`run ${r} no switch:   ${fmt(quiet.all)}   load ${load()}`);
      const sw = await run(server, true, target);
      console.log(`run ${r} with switch: ${fmt(sw.all)}; during the switch ${fmt(sw.during)}; switch ${sw.switchMs.toFixed(0)} ms   load ${load()}`);
      target = target === 'base' ? 'lib/copy' : 'base';
    }
  } finally {
    await server.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
