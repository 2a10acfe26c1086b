// Event-loop blocks of a session archive's export (GET …/archive) and import (POST /api/archives)
// on the real server, for a session of 2,000 turns and 20,000 one-person landmark frames (the
// size docs/protocol.md names). A 1 ms interval runs beside each request; the figure is the
// longest gap between its ticks (what a live meeting on that server would wait), with the
// request's total time. Beside it a live meeting sends a turn over socket.io every 20 ms (one
// at a time): its worst wait is the longest a turn took from sent to acknowledged (stored).
// Needs `npm run build` (dist/). Wall-clock figures: note the load average printed with them.
//   node scripts/measure-archive.cjs        (TURNS=2000 FRAMES=20000; ROOT=<checkout> for another build)
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const ROOT = process.env.ROOT || path.resolve(__dirname, '..');
const D = ROOT + '/dist/server';
const LIVE = process.argv[2] === '--live';
const { startServer } = LIVE ? {} : require(D + '/main.js');
const { loadDemoMeeting } = LIVE ? {} : require(D + '/demo/demo.js');

const TURNS = Number(process.env.TURNS || 2000);
const FRAMES = Number(process.env.FRAMES || 20000);

/** A synthetic archive of that size: the demo's words and posture track, repeated. */
function bigArchive() {
  const demo = loadDemoMeeting();
  const track = demo.posture;
  const names = demo.participants.map((p) => p.name);
  const utterances = [];
  for (let i = 0; i < TURNS; i++) {
    const u = demo.utterances[i % demo.utterances.length];
    const startMs = i * 2000;
    utterances.push({ id: i + 1, seq: i + 1, speaker: u.speaker, role: null, text: u.text, startMs, endMs: startMs + 1500, receivedAt: 1_700_000_000_000 + i });
  }
  const frames = [];
  for (let i = 0; i < FRAMES; i++) {
    const f = track.frames[i % track.frames.length];
    frames.push({ id: i + 1, participant: track.participant, mediaMs: i * 200, source: 'browser', persons: f.poses.length, aspect: track.aspect, poses: f.poses, receivedAt: 1_700_000_000_000 + i });
  }
  return {
    format: 'buying-signals-archive', version: 1, exportedAt: 1_700_000_000_000,
    session: { id: 'big', title: 'Archive probe', createdAt: 1_700_000_000_000 },
    participants: names.map((name) => ({ name, role: null })),
    utterances, frames, signals: [], cues: [], corrections: [], cueReviews: [], postureLabels: [], comments: [],
  };
}

/**
 * A live meeting on the server, from another process (its own event loop: a client on the
 * server's would stall with it and send nothing while it is blocked): a turn every 20 ms, one at
 * a time. `worst()` is the longest a turn waited (sent to acknowledged) since the last call.
 */
async function liveMeeting(url) {
  const res = await fetch(`${url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Live beside', participants: [{ name: 'Bo', role: 'customer' }] }) });
  const id = (await res.json()).session.id;
  const child = require('child_process').fork(__filename, ['--live', url, id], { env: process.env });
  let last = { worst: 0, sent: 0 };
  child.on('message', (m) => { if (m.error) console.error(m.error); last = m; });
  await new Promise((resolve) => child.once('message', resolve));
  const ask = () => new Promise((resolve) => { child.once('message', resolve); child.send('report'); });
  return {
    async worst() {
      const m = await ask();
      if (process.env.VERBOSE && phaseStart && m.worst > 100) console.log(`  the live turn that waited longest was sent ${m.worstAt - phaseStart} ms into the request`);
      return m.worst;
    },
    sent: () => last.sent,
    async stop() { child.send('stop'); await new Promise((r) => child.once('exit', r)); },
  };
}

/** The live meeting's process (see liveMeeting). */
function runLive(url, id) {
  const { io } = require('socket.io-client');
    const socket = io(url, { transports: ['websocket'] });
  let worst = 0;
  let worstAt = 0;
  let sent = 0;
  let stopped = false;
  let startMs = 0;
  let inFlight = null; // the turn awaiting its ack: a report waits for it (it may be the one that waited longest)
  process.on('message', async (m) => {
    if (m === 'stop') stopped = true;
    else {
      if (inFlight) await inFlight;
      process.send({ worst, worstAt, sent });
      worst = 0;
    }
  });
  socket.emit('join', { sessionId: id }, async () => {
    process.send({ ready: true });
    while (!stopped) {
      const t = performance.now();
      inFlight = new Promise((resolve) => socket.emit('utterance', { sessionId: id, utterance: { speaker: 'Bo', text: 'How much is it for twelve months?', startMs: (startMs += 1000) } }, (ack) => {
        if (performance.now() - t > worst) [worst, worstAt] = [performance.now() - t, Date.now() - (performance.now() - t)];
        resolve(ack);
      }));
      const ack = await inFlight;
      inFlight = null;
      if (!ack.ok) process.send({ error: `live turn: ${JSON.stringify(ack.error)}`, worst, sent });
      sent++;
      await new Promise((r) => setTimeout(r, 20));
    }
    socket.close();
    process.exit(0);
  });
}

/**
 * curl's output for `args`: the requests are made from another process, so this one's event
 * loop holds only the server's work (a client here parsed and copied 34 MiB on the same thread).
 */
function curl(args) {
  return new Promise((resolve, reject) => {
    require('child_process').execFile('curl', ['-s', ...args], { maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** When the request being probed began (Date.now()). */
let phaseStart = 0;

/** Runs `fn` with a 1 ms interval beside it: [result, longest gap between ticks in ms, total ms]. */
async function probed(fn) {
  phaseStart = Date.now();
  const t0 = performance.now();
  let last = t0;
  let worst = 0;
  const long = [];
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    if (now - last > 100) long.push(`${(last - t0).toFixed(0)}+${(now - last).toFixed(0)}`);
    last = now;
  }, 1);
  try {
    const result = await fn();
    if (process.env.VERBOSE) console.log(`  blocks over 100 ms (start+length): ${long.join(' ') || 'none'}`);
    return [result, worst, performance.now() - t0];
  } finally {
    clearInterval(timer);
  }
}

if (LIVE) runLive(process.argv[3], process.argv[4]);
else (async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-archive-probe-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: path.join(dir, 'db.sqlite'), seedDemo: false, log: () => {} });
  const live = await liveMeeting(server.url);
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  try {
    const body = Buffer.from(JSON.stringify(bigArchive()));
    const bodyFile = path.join(dir, 'archive.json');
    fs.writeFileSync(bodyFile, body);
    await new Promise((r) => setTimeout(r, 500));
    await live.worst();
    const mib = (n) => (n / 1024 / 1024).toFixed(1);
    const [imported, importBlock, importMs] = await probed(async () => {
      const out = await curl(['--data-binary', `@${bodyFile}`, '-H', 'content-type: application/json', '-w', '\n%{http_code}', `${server.url}/api/archives`]);
      const status = out.slice(out.lastIndexOf('\n') + 1);
      if (status !== '201') throw new Error(`import: ${status} ${out.slice(0, 300)}`);
      return JSON.parse(out.slice(0, out.lastIndexOf('\n')));
    });
    console.log(`import ${mib(body.length)} MiB: longest event-loop block ${importBlock.toFixed(0)} ms, live turn's worst wait ${(await live.worst()).toFixed(0)} ms, request ${importMs.toFixed(0)} ms (load ${load()})`);
    await new Promise((r) => setTimeout(r, 500));
    await live.worst();
    const id = imported.session.id;
    const [size, exportBlock, exportMs] = await probed(async () => {
      const [status, bytes] = (await curl(['-o', '/dev/null', '-w', '%{http_code} %{size_download}', `${server.url}/api/sessions/${id}/archive`])).split(' ');
      if (status !== '200') throw new Error(`export: ${status}`);
      return Number(bytes);
    });
    console.log(`export ${mib(size)} MiB: longest event-loop block ${exportBlock.toFixed(0)} ms, live turn's worst wait ${(await live.worst()).toFixed(0)} ms, request ${exportMs.toFixed(0)} ms (load ${load()}; ${live.sent()} live turns sent)`);
    console.log(`resident ${mib(process.memoryUsage().rss)} MiB`);
  } finally {
    await live.stop();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
