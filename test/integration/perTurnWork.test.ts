// What one live turn costs the server, counted (deterministic, unlike timings): SQL statements
// run, statements prepared, transactions (BEGIN/COMMIT) and savepoints, socket.io packets the
// sender receives (room events and the ack) with their bytes, zod parses of protocol schemas,
// and JSON.stringify calls (the test's client encoding its own `utterance` event is one). Real server on
// port 0, real model, real SQLite. A count that goes up is work added to every live turn:
// check it is meant before changing the numbers here.
import net from 'node:net';
import Database from 'better-sqlite3';
import * as protocol from '../../protocol/protocol';
import { api, collect, useTestServer, type TestSocket } from './harness';

type Fn = (...args: unknown[]) => unknown;

/** Every statement run (by its SQL), every prepare, every zod parse of a protocol schema. */
class Counter {
  sql: string[] = [];
  prepares = 0;
  parses = 0;
  stringifies = 0;
  /** Writes to the server's TCP sockets (one system call each, a writev when several chunks wait). */
  writes = 0;
  packets: number[] = [];
  private on = false;
  private readonly undo: (() => void)[] = [];

  install(): void {
    const scratch = new Database(':memory:');
    const proto = Object.getPrototypeOf(scratch.prepare('SELECT 1')) as Record<string, Fn>;
    scratch.close();
    for (const m of ['run', 'get', 'all', 'iterate']) this.wrap(proto, m, (st) => this.sql.push((st as { source: string }).source));
    this.wrap(Database.prototype as unknown as Record<string, Fn>, 'prepare', () => this.prepares++);
    this.wrap(JSON as unknown as Record<string, Fn>, 'stringify', () => this.stringifies++);
    this.wrap(net.Socket.prototype as unknown as Record<string, Fn>, '_writeGeneric', (socket) => {
      // The server's side of a connection (the test's client sockets are in this process too).
      if ((socket as { server?: unknown }).server) this.writes++;
    });
    for (const schema of Object.values(protocol)) {
      if (schema && typeof schema === 'object' && 'safeParse' in schema && typeof schema.safeParse === 'function') {
        for (const m of ['parse', 'safeParse']) this.wrap(schema as unknown as Record<string, Fn>, m, () => this.parses++);
      }
    }
  }

  uninstall(): void {
    for (const u of this.undo.splice(0)) u();
  }

  private wrap(target: Record<string, Fn>, name: string, count: (self: unknown) => void): void {
    const original = target[name]!;
    const own = Object.prototype.hasOwnProperty.call(target, name);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const counter = this;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (counter.on) count(this);
      return original.apply(this, args);
    };
    this.undo.push(() => {
      if (own) target[name] = original;
      else delete target[name];
    });
  }

  /** Counts what happens from now until `fn` resolves. */
  async during(fn: () => Promise<unknown>) {
    this.sql = [];
    this.prepares = 0;
    this.parses = 0;
    this.stringifies = 0;
    this.writes = 0;
    this.packets = [];
    this.on = true;
    try {
      await fn();
    } finally {
      this.on = false;
    }
    const tx = this.sql.filter((s) => /^(BEGIN|COMMIT|ROLLBACK)/.test(s));
    const sp = this.sql.filter((s) => /^(SAVEPOINT|RELEASE|ROLLBACK TO)/.test(s));
    const statements = this.sql.filter((s) => !tx.includes(s) && !sp.includes(s));
    return {
      statements: statements.length,
      transactions: tx.filter((s) => s.startsWith('BEGIN')).length,
      savepoints: sp.filter((s) => s.startsWith('SAVEPOINT')).length,
      prepares: this.prepares,
      parses: this.parses,
      stringifies: this.stringifies,
      writes: this.writes,
      packets: this.packets.length,
      bytes: this.packets.reduce((a, b) => a + b, 0),
      sql: statements.map((s) => s.replace(/\s+/g, ' ').slice(0, 60)),
    };
  }
}

const PARTICIPANTS = [
  { name: 'Ada (rep)', role: 'rep' },
  { name: 'Bo', role: 'customer' },
];
const REP = 'The premium plan is 300 dollars a month, billed yearly, with onboarding for the whole team.';
const ASK = 'Okay, and how much would it cost for the whole team of twelve?';

describe('the work of one live turn', () => {
  const suite = useTestServer();
  const counter = new Counter();
  beforeAll(() => counter.install());
  afterAll(() => counter.uninstall());

  function send(socket: TestSocket, sessionId: string, utterance: object): Promise<any> {
    return new Promise((resolve) => socket.emit('utterance', { sessionId, utterance } as never, resolve));
  }

  it('is counted per kind of turn', async () => {
    const socket = await suite.client();
    socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
      if (p.type === 'message') counter.packets.push(Buffer.byteLength(String(p.data)));
    });
    const cues = collect(socket, 'cue');
    // Another window showing the session: its room events are written too (the `writes` count).
    const watcher = await suite.client();
    /** The same turns in a new session: each kind once, counted. */
    async function play(count: boolean) {
      const id = (await api(suite.server.url, 'POST', '/api/sessions', { participants: PARTICIPANTS })).body.session.id as string;
      for (const s of [socket, watcher]) expect(await new Promise<any>((r) => s.emit('join', { sessionId: id }, r))).toMatchObject({ ok: true });
      // The session's first turn builds its pipeline from the store: not counted.
      expect(await send(socket, id, { speaker: 'Ada (rep)', text: REP, startMs: 0 })).toMatchObject({ ok: true });
      let t = 120_000;
      const turn = async (utterance: object) => {
        const c = await counter.during(async () => {
          expect(await send(socket, id, utterance)).toMatchObject({ ok: true });
          // The watcher's events left with the sender's (same tick); let their writes be counted.
          await new Promise((r) => setImmediate(r));
        });
        return count ? c : undefined;
      };
      const rep = await turn({ speaker: 'Ada (rep)', text: REP, startMs: (t += 120_000) });
      const ask = await turn({ speaker: 'Bo', text: ASK, startMs: (t += 5_000) });
      expect(cues.items.map((c) => c.mediaMs)).toContain(t);
      const withId = await turn({ speaker: 'Ada (rep)', text: REP, startMs: (t += 120_000), clientTurnId: 'c:1' });
      const again = await turn({ speaker: 'Ada (rep)', text: REP, startMs: t, clientTurnId: 'c:1' });
      const newcomer = await turn({ speaker: 'Cy', text: 'Hello everyone.', startMs: (t += 5_000) });
      const unassigned = await turn({ speaker: 'Cy', text: 'Sorry I am late.', startMs: (t += 5_000) });
      return { rep: rep!, ask: ask!, withId: withId!, again: again!, newcomer: newcomer!, unassigned: unassigned! };
    }
    // A first session prepares the statements every later one reuses.
    await play(false);
    const counts = await play(true);
    // The counts as a table in the test output (CI logs), for the record.
    console.log(
      Object.entries(counts)
        .map(([k, c]) => `${k}: ${JSON.stringify({ ...c, sql: undefined })}\n  ${c.sql.join('\n  ')}`)
        .join('\n'),
    );
    const shape = (c: (typeof counts)['rep']) => [c.statements, c.transactions, c.savepoints, c.prepares, c.parses, c.stringifies, c.packets, c.writes];
    // [statements, transactions, savepoints, prepares, zod parses, JSON.stringify calls, packets to the sender, server socket writes (sender and watcher)]
    expect(Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, shape(c)]))).toEqual({
      rep: [1, 1, 1, 0, 1, 3, 2, 2],
      ask: [3, 1, 1, 0, 1, 9, 4, 2],
      withId: [2, 1, 1, 0, 1, 3, 2, 2],
      again: [1, 0, 0, 0, 1, 2, 1, 1],
      newcomer: [3, 1, 2, 0, 1, 4, 3, 2],
      unassigned: [1, 1, 1, 0, 1, 4, 3, 2],
    });
  });
});
