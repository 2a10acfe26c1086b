// Live latency: from a customer utterance sent over socket.io to its cue received, measured
// by the client. The clients run in forked processes (this file is also their entry point),
// so the load generator can be spread over cores and its own CPU time is reported apart.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Cue, ServerToClientEvents } from '../protocol/protocol';
import { mulberry32 } from '../server/signals/random';

/**
 * `lockstep`: every session starts at the same instant and sends its next turn as soon as the
 * last cue arrived: the worst case, each turn queued behind all the others.
 * `paced`: each session waits a random gap (uniform, mean `meanGapMs`) before each turn, as
 * people in real meetings do (who speak every few seconds, far slower than this).
 */
export type LiveMode = 'lockstep' | 'paced';

export interface LiveRun {
  sessions: number;
  turnsPerSession: number;
  mode: LiveMode;
  /** Client processes the sessions are spread over. */
  processes: number;
  /** Mean gap before each turn in `paced` mode, ms. */
  meanGapMs?: number;
  /**
   * Sockets following the session list (`watch_sessions`) during the run, as every open browser
   * window does: the server then marks each session whose counts change and sends the lobby
   * coalesced `session_counts`. Connected in this process; default none.
   */
  watchers?: number;
}

interface ClientJob extends LiveRun {
  url: string;
  sessionIds: string[];
  seed: number;
}

interface ClientResult {
  latencies: number[];
  ackLatencies: number[];
  missing: number;
  cpuMs: number;
}

export interface LiveFigures {
  latencies: number[];
  ackLatencies: number[];
  missing: number;
  /** CPU time of the client processes and of the server, per turn (one rep and one customer utterance). */
  clientCpuMsPerTurn: number;
  serverCpuMsPerTurn?: number;
  /** Lobby events (`session_counts`, …) the watchers received during the run, all watchers together. */
  lobbyEvents: number;
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const REP = 'This plan is 2,000 a year and includes onboarding and support for the whole team.';
const ASKS = [
  'How much would it cost for twelve seats?',
  '那这个一年多少钱？',
  "Sounds good, we'd like to go ahead. How do we sign?",
  '能不能再便宜一点？有没有优惠？',
];
const CUE_WAIT_MS = 2000;

/** Runs one live figure against a server at `url`; `serverPid` (Linux) adds its CPU time. */
export async function liveLatency(url: string, run: LiveRun, serverPid?: number): Promise<LiveFigures> {
  const sessionIds: string[] = [];
  for (let i = 0; i < run.sessions; i++) {
    const res = await fetch(url + '/api/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        participants: [
          { name: 'rep', role: 'rep' },
          { name: 'cust', role: 'customer' },
        ],
      }),
    });
    sessionIds.push(((await res.json()) as { session: { id: string } }).session.id);
  }
  const children = Array.from({ length: run.processes }, () =>
    fork(__filename, ['--live-client'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  // Each child connects its sessions and says 'ready'; then all start sending at once.
  const results = children.map((child, p) => {
    const job: ClientJob = {
      ...run,
      url,
      sessionIds: sessionIds.filter((_, i) => i % run.processes === p),
      seed: 1000 + p,
    };
    const next = inbox(child);
    child.send(job);
    return { child, next };
  });
  for (const r of results) await r.next(); // 'ready'
  const lobby = await watchLobby(url, run.watchers ?? 0);
  const cpu0 = serverCpuMs(serverPid);
  for (const r of results) r.child.send('go');
  const done = (await Promise.all(results.map((r) => r.next()))) as ClientResult[];
  const cpu1 = serverCpuMs(serverPid);
  const lobbyEvents = lobby.close();
  const turns = run.sessions * run.turnsPerSession;
  return {
    latencies: done.flatMap((r) => r.latencies),
    ackLatencies: done.flatMap((r) => r.ackLatencies),
    missing: done.reduce((n, r) => n + r.missing, 0),
    clientCpuMsPerTurn: done.reduce((n, r) => n + r.cpuMs, 0) / turns,
    ...(cpu0 !== undefined && cpu1 !== undefined ? { serverCpuMsPerTurn: (cpu1 - cpu0) / turns } : {}),
    lobbyEvents,
  };
}

/** Connects `n` sockets that follow the session list; `close` hangs them up and says how many lobby events they heard. */
async function watchLobby(url: string, n: number): Promise<{ close: () => number }> {
  let events = 0;
  const sockets = await Promise.all(
    Array.from({ length: n }, async () => {
      const socket: Client = connect(url, { transports: ['websocket'], forceNew: true });
      await new Promise<void>((r) => socket.once('connect', () => r()));
      await new Promise<void>((resolve, reject) =>
        socket.emit('watch_sessions', {}, (res) => (res.ok ? resolve() : reject(new Error(`watch_sessions refused: ${JSON.stringify(res)}`)))),
      );
      socket.onAny(() => events++);
      return socket;
    }),
  );
  return {
    close: () => {
      for (const s of sockets) s.close();
      return events;
    },
  };
}

/** Reads a child's IPC messages in order; a read rejects once the child has exited. */
function inbox(child: ChildProcess): () => Promise<unknown> {
  const queue: unknown[] = [];
  const readers: { resolve: (m: unknown) => void; reject: (e: Error) => void }[] = [];
  let exit: Error | undefined;
  child.on('message', (m) => {
    const r = readers.shift();
    if (r) r.resolve(m);
    else queue.push(m);
  });
  child.on('exit', (code) => {
    exit = new Error(`live client exited with ${code}`);
    for (const r of readers.splice(0)) r.reject(exit);
  });
  return () => {
    if (queue.length) return Promise.resolve(queue.shift());
    if (exit) return Promise.reject(exit);
    return new Promise((resolve, reject) => readers.push({ resolve, reject }));
  };
}

/** A process's user + system CPU time from /proc (Linux), ms; undefined elsewhere. */
function serverCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields 14 and 15 (utime, stime), in clock ticks of 10 ms (USER_HZ 100 on Linux).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function runClients(job: ClientJob, go: Promise<void>): Promise<ClientResult> {
  const sockets = await Promise.all(
    job.sessionIds.map(async (id) => {
      const socket: Client = connect(job.url, { transports: ['websocket'], forceNew: true });
      await new Promise<void>((r) => socket.once('connect', () => r()));
      await new Promise((r) => socket.emit('join', { sessionId: id }, r));
      return { id, socket };
    }),
  );
  const out: ClientResult = { latencies: [], ackLatencies: [], missing: 0, cpuMs: 0 };
  process.send!('ready');
  await go;
  const cpu0 = process.cpuUsage();
  await Promise.all(
    sockets.map(({ id, socket }, k) => runSession(job, id, socket, mulberry32(job.seed * 1000 + k), out)),
  );
  const cpu = process.cpuUsage(cpu0);
  out.cpuMs = (cpu.user + cpu.system) / 1000;
  for (const { socket } of sockets) socket.close();
  return out;
}

async function runSession(
  job: ClientJob,
  id: string,
  socket: Client,
  rng: () => number,
  out: ClientResult,
): Promise<void> {
  const waiting = new Map<number, () => void>();
  socket.on('cue', (c: Cue) => waiting.get(c.mediaMs)?.());
  for (let i = 0; i < job.turnsPerSession; i++) {
    if (job.mode === 'paced') await new Promise((r) => setTimeout(r, rng() * 2 * (job.meanGapMs ?? 100)));
    // Media time advances past the cue cooldown so every customer ask can raise a cue.
    const t = i * 120_000;
    await new Promise((r) =>
      socket.emit('utterance', { sessionId: id, utterance: { speaker: 'rep', text: REP, startMs: t } }, r),
    );
    const text = ASKS[i % ASKS.length]!;
    const sent = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const cue = new Promise<number>((resolve) => {
      waiting.set(t + 5000, () => resolve(performance.now() - sent));
      timer = setTimeout(() => resolve(-1), CUE_WAIT_MS);
    });
    await new Promise((r) =>
      socket.emit('utterance', { sessionId: id, utterance: { speaker: 'cust', text, startMs: t + 5000 } }, (ack) => {
        out.ackLatencies.push(performance.now() - sent);
        r(ack);
      }),
    );
    const ms = await cue;
    clearTimeout(timer);
    waiting.delete(t + 5000);
    if (ms < 0) out.missing++;
    else out.latencies.push(ms);
  }
}

if (require.main === module && process.argv.includes('--live-client')) {
  process.once('message', (job: ClientJob) => {
    const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
    runClients(job, go).then(
      (r) => process.send!(r, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
