// `npm run bench`: throughput of batch verbal classification on one core, and live latency
// from an utterance sent to its cue received over socket.io (server in its own process, the
// clients in one or two more: bench/live.ts); the posture classifier and server-side pose; and
// the browser client under a long meeting (bench/client.ts, headless Chromium).
// Prints one JSON line per figure and writes bench/results/<date>.json.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initTf } from '../server/runtime/backend';
import { loadVerbalClassifier } from '../server/signals/verbal/model';
import { projectPath } from '../server/paths';
import { benchClient } from './client';
import { benchPose } from './pose';
import { benchPosture } from './posture';
import { liveLatency, type LiveRun } from './live';

interface Figure {
  name: string;
  value: number;
  unit: string;
  [k: string]: unknown;
}
const figures: Figure[] = [];
function report(f: Figure): void {
  figures.push(f);
  console.log(JSON.stringify(f));
}

function corpusTexts(): { text: string; context?: string }[] {
  const file = projectPath('fixtures', 'verbal', 'corpus.jsonl');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { text: string; context?: string })
    .map((r) => ({ text: r.text, ...(r.context ? { context: r.context } : {}) }));
}

async function batchThroughput(): Promise<void> {
  const backend = await initTf();
  const clf = loadVerbalClassifier({ modelDir: projectPath('models', 'verbal') });
  const rows = corpusTexts();
  for (const batchSize of [1, 64, 512]) {
    clf.classify(rows.slice(0, batchSize)); // warm-up
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 3000) {
      const start = (n * 7919) % Math.max(1, rows.length - batchSize);
      clf.classify(rows.slice(start, start + batchSize));
      n += batchSize;
    }
    const secs = (performance.now() - t0) / 1000;
    report({ name: 'verbal_batch_throughput', value: Math.round(n / secs), unit: 'utterances/s', batchSize, backend: backend.name, model: clf.version, cores: 1 });
  }
  clf.dispose();
}

/** The server as `npm start` runs it: its store is a SQLite file (WAL), here in a fresh temp folder. */
async function startServerProcess(dbFile: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [projectPath('dist', 'server', 'cli', 'main.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--db', dbFile, '--no-demo'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${buf}`)));
  });
  return { url, child };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN) * 100) / 100;
};

/** The live figures: each labelled with its sessions, mode and client processes. */
const LIVE_RUNS: LiveRun[] = [
  { sessions: 1, turnsPerSession: 200, mode: 'lockstep', processes: 1 },
  // The worst case, comparable with earlier results: one client process, all in lockstep.
  { sessions: 20, turnsPerSession: 50, mode: 'lockstep', processes: 1 },
  // The load generator spread over two processes (cores), still in lockstep.
  { sessions: 20, turnsPerSession: 50, mode: 'lockstep', processes: 2 },
  // Closer to real meetings, though still ~50x their pace: each session pauses 0-200 ms before a turn.
  { sessions: 20, turnsPerSession: 50, mode: 'paced', processes: 2, meanGapMs: 100 },
  // As the 2-process lockstep run, with one socket following the session list, as every open
  // browser window does (the server then keeps the list's counts current: session_counts).
  { sessions: 20, turnsPerSession: 50, mode: 'lockstep', processes: 2, watchers: 1 },
];

/**
 * Before the measured runs, a fresh server handles this much traffic, unmeasured: the first
 * thousands of turns run while V8 is still optimising the hot path (without the server's own
 * start-up warm-up, server CPU per turn falls from ~1.1 ms to ~0.6 ms over the first ~3,000
 * here). A server in use is warm; these first turns' figures are reported too (`live_warmup`),
 * so what the first meeting after a start sees is not hidden. The server is started as `npm
 * start` starts it, so its start-up warm-up (`serve --warm-up`, runtime/warmUp.ts) has run.
 */
const WARM_UP: LiveRun = { sessions: 20, turnsPerSession: 100, mode: 'lockstep', processes: 1 };

async function live(url: string, serverPid: number | undefined): Promise<void> {
  const w = await liveLatency(url, WARM_UP, serverPid);
  const { turnsPerSession: turns, ...warmLabel } = WARM_UP;
  report({
    name: 'live_warmup', value: pct(w.latencies, 99), unit: 'ms (p99, the first 2,000 turns after start-up, not counted in the warm figures)', ...warmLabel, turnsPerSession: turns,
    p50: pct(w.latencies, 50), p99: pct(w.latencies, 99), ...(w.serverCpuMsPerTurn !== undefined ? { serverCpuMsPerTurn: Math.round(w.serverCpuMsPerTurn * 1000) / 1000 } : {}),
  });
  for (const run of LIVE_RUNS) {
    const r = await liveLatency(url, run, serverPid);
    const { turnsPerSession: _t, ...label } = run;
    const cpu = {
      clientCpuMsPerTurn: Math.round(r.clientCpuMsPerTurn * 1000) / 1000,
      ...(r.serverCpuMsPerTurn !== undefined ? { serverCpuMsPerTurn: Math.round(r.serverCpuMsPerTurn * 1000) / 1000 } : {}),
    };
    const l = r.latencies;
    report({ name: 'live_utterance_to_cue_latency', value: pct(l, 99), unit: 'ms (p99)', ...label, p50: pct(l, 50), p99: pct(l, 99), max: pct(l, 100), cues: l.length, utterancesWithoutCue: r.missing, ...cpu, ...(run.watchers ? { lobbyEvents: r.lobbyEvents } : {}) });
    const a = r.ackLatencies;
    report({ name: 'live_utterance_ack_latency', value: pct(a, 99), unit: 'ms (p99)', ...label, p50: pct(a, 50), p99: pct(a, 99), acks: a.length });
  }
}

async function main(): Promise<void> {
  await initTf();
  const only = process.argv[2];
  if (only !== undefined && !['verbal', 'live', 'posture', 'pose', 'client'].includes(only)) throw new Error(`unknown part "${only}": use verbal, live, posture, pose or client`);
  if (!only || only === 'verbal') await batchThroughput();
  if (!only || only === 'posture') await benchPosture(report);
  if (!only || only === 'pose') await benchPose(report);
  // A full run goes on without a browser; `npm run bench client` asked for one.
  if ((!only || only === 'client') && !(await benchClient(report)) && only === 'client') process.exitCode = 1;
  if (only && only !== 'live') return writeResults(only);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bench-'));
  const { url, child } = await startServerProcess(path.join(dir, 'bench.db'));
  try {
    await live(url, child.pid);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  writeResults(only);
}

/** A full run writes bench/results/<date>.json; a partial one <date>-<part>.json. */
function writeResults(part?: string): void {
  const date = new Date().toISOString().slice(0, 10);
  const out = projectPath('bench', 'results', `${date}${part ? `-${part}` : ''}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.arch()}` };
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, figures }, null, 2) + '\n');
  console.log(JSON.stringify({ name: 'written', file: path.relative(projectPath(), out) }));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
