// `npm run bench`: throughput of batch verbal classification on one core, and live latency
// from an utterance sent to its cue received over socket.io (server in its own process).
// Prints one JSON line per figure and writes bench/results/<date>.json.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Cue, ServerToClientEvents } from '../protocol/protocol';
import { initTf } from '../server/runtime/backend';
import { loadVerbalClassifier } from '../server/signals/verbal/model';
import { projectPath } from '../server/paths';
import { benchPose } from './pose';
import { benchPosture } from './posture';

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

async function startServerProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [projectPath('dist', 'server', 'cli', 'main.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--db', ':memory:', '--no-demo'], {
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

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const REP = 'This plan is 2,000 a year and includes onboarding and support for the whole team.';
const ASKS = [
  'How much would it cost for twelve seats?',
  '那这个一年多少钱？',
  "Sounds good, we'd like to go ahead. How do we sign?",
  '能不能再便宜一点？有没有优惠？',
];

async function liveLatency(url: string, sessions: number, turnsPerSession: number, warmUp = false): Promise<void> {
  const latencies: number[] = [];
  const ackLatencies: number[] = [];
  let missing = 0;
  const runOne = async () => {
    const res = await fetch(url + '/api/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ participants: [{ name: 'rep', role: 'rep' }, { name: 'cust', role: 'customer' }] }),
    });
    const id = ((await res.json()) as { session: { id: string } }).session.id;
    const socket: Client = connect(url, { transports: ['websocket'], forceNew: true });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    await new Promise((r) => socket.emit('join', { sessionId: id }, r));
    const waiting = new Map<number, (c: Cue) => void>();
    socket.on('cue', (c) => waiting.get(c.mediaMs)?.(c));
    for (let i = 0; i < turnsPerSession; i++) {
      // Media time advances past the cue cooldown so every customer ask can raise a cue.
      const t = i * 120_000;
      await new Promise((r) => socket.emit('utterance', { sessionId: id, utterance: { speaker: 'rep', text: REP, startMs: t } }, r));
      const text = ASKS[i % ASKS.length]!;
      const sent = performance.now();
      const cue = new Promise<number>((resolve) => {
        waiting.set(t + 5000, () => resolve(performance.now() - sent));
        setTimeout(() => resolve(-1), 2000);
      });
      await new Promise((r) =>
        socket.emit('utterance', { sessionId: id, utterance: { speaker: 'cust', text, startMs: t + 5000 } }, (ack) => {
          ackLatencies.push(performance.now() - sent);
          r(ack);
        }),
      );
      const ms = await cue;
      if (ms < 0) missing++;
      else latencies.push(ms);
    }
    socket.close();
  };
  await Promise.all(Array.from({ length: sessions }, runOne));
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN) * 100) / 100;
  };
  if (warmUp) return;
  report({ name: 'live_utterance_to_cue_latency', value: pct(latencies, 99), unit: 'ms (p99)', p50: pct(latencies, 50), p99: pct(latencies, 99), max: pct(latencies, 100), sessions, cues: latencies.length, utterancesWithoutCue: missing });
  report({ name: 'live_utterance_ack_latency', value: pct(ackLatencies, 99), unit: 'ms (p99)', p50: pct(ackLatencies, 50), p99: pct(ackLatencies, 99), sessions, acks: ackLatencies.length });
}

async function main(): Promise<void> {
  await initTf();
  const only = process.argv[2];
  if (only !== undefined && !['verbal', 'live', 'posture', 'pose'].includes(only)) throw new Error(`unknown part "${only}": use verbal, live, posture or pose`);
  if (!only || only === 'verbal') await batchThroughput();
  if (!only || only === 'posture') await benchPosture(report);
  if (!only || only === 'pose') await benchPose(report);
  if (only && only !== 'live') return writeResults(only);
  const { url, child } = await startServerProcess();
  try {
    await liveLatency(url, 1, 10, true);
    await liveLatency(url, 1, 200);
    await liveLatency(url, 20, 50);
  } finally {
    child.kill('SIGTERM');
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
