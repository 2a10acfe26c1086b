// Event-loop blocks of a session archive's export (GET …/archive) and import (POST /api/archives)
// on the real server, for a session of 2,000 turns and 20,000 one-person landmark frames (the
// size docs/protocol.md names). A 1 ms interval runs beside each request; the figure is the
// longest gap between its ticks (what a live meeting on that server would wait), with the
// request's total time. Needs `npm run build` (dist/). Run on a quiet machine: wall-clock figures.
//   node scripts/measure-archive.cjs        (TURNS=2000 FRAMES=20000)
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const ROOT = process.env.ROOT || path.resolve(__dirname, '..');
const D = ROOT + '/dist/server';
const { startServer } = require(D + '/main.js');
const { loadDemoMeeting } = require(D + '/demo/demo.js');

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

/** Runs `fn` with a 1 ms interval beside it: [result, longest gap between ticks in ms, total ms]. */
async function probed(fn) {
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

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-archive-probe-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: path.join(dir, 'db.sqlite'), seedDemo: false, log: () => {} });
  try {
    const body = Buffer.from(JSON.stringify(bigArchive()));
    const mib = (n) => (n / 1024 / 1024).toFixed(1);
    const [imported, importBlock, importMs] = await probed(async () => {
      const res = await fetch(`${server.url}/api/archives`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      if (res.status !== 201) throw new Error(`import: ${res.status} ${await res.text()}`);
      return res.json();
    });
    console.log(`import ${mib(body.length)} MiB: longest event-loop block ${importBlock.toFixed(0)} ms, request ${importMs.toFixed(0)} ms`);
    const id = imported.session.id;
    const [size, exportBlock, exportMs] = await probed(async () => {
      const res = await fetch(`${server.url}/api/sessions/${id}/archive`);
      if (res.status !== 200) throw new Error(`export: ${res.status}`);
      return (await res.arrayBuffer()).byteLength;
    });
    console.log(`export ${mib(size)} MiB: longest event-loop block ${exportBlock.toFixed(0)} ms, request ${exportMs.toFixed(0)} ms`);
    console.log(`resident ${mib(process.memoryUsage().rss)} MiB`);
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
