// The search walk on a real SQLite store: windows smaller than a session (the event loop given
// back between them), pages that meet at window and session edges, and migration 12's fill of
// the turns a schema-11 file holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../store/sqliteStore';
import { MIGRATIONS } from '../store/migrations';
import { searchTurns, type SearchParams } from './search';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmpDb = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-search-'));
  dirs.push(dir);
  return path.join(dir, 'test.db');
};

function storeWith(sessions: { id: string; createdAt: number; texts: string[] }[]): SqliteStore {
  const store = new SqliteStore(':memory:');
  for (const s of sessions) {
    store.createSession({ id: s.id, title: `T ${s.id}`, createdAt: s.createdAt, demo: false, participants: [{ name: 'Li', role: 'customer' }] });
    s.texts.forEach((text, i) => store.addUtterance({ sessionId: s.id, speaker: 'Li', role: 'customer', text, startMs: i * 1000, endMs: i * 1000 + 500, receivedAt: 1 }));
  }
  return store;
}

async function pages(store: SqliteStore, p: Omit<SearchParams, 'after'>, window: number) {
  const seen: string[] = [];
  let pauses = 0;
  let after: SearchParams['after'];
  for (let i = 0; i < 100; i++) {
    const answer = await searchTurns({ ...p, after }, { store, cueMinSignalScore: 0.5, window, pause: async () => void pauses++ });
    seen.push(...answer.results.map((r) => `${r.sessionId}#${r.seq}`));
    if (answer.next === null) return { seen, pauses };
    const [c, r, s] = answer.next.split('.').map(Number);
    after = { createdAt: c!, rowid: r!, seq: s! };
  }
  throw new Error('no last page');
}

describe('searchTurns', () => {
  const store = storeWith([
    { id: 'old', createdAt: 1, texts: ['太贵了', 'ok', '太贵', 'no', '贵'] },
    { id: 'same1', createdAt: 5, texts: ['贵', '贵'] },
    { id: 'same2', createdAt: 5, texts: ['贵'] },
    { id: 'new', createdAt: 9, texts: ['fine', '贵吗', 'x', 'y', 'z', '贵'] },
  ]);
  const every = ['new#2', 'new#6', 'same2#1', 'same1#1', 'same1#2', 'old#1', 'old#3', 'old#5'];

  it.each([1, 2, 3, 8, 50])('pages of %i meet without duplicates or gaps, whatever the window', async (limit) => {
    for (const window of [1, 2, 1000]) expect((await pages(store, { q: '贵', limit }, window)).seen).toEqual(every);
  });

  it('reads a window at a time, giving the event loop back between them', async () => {
    const { seen, pauses } = await pages(store, { q: 'nothing', limit: 50 }, 2);
    expect(seen).toEqual([]);
    // 14 turns in windows of 2: old 2+2+1, same1 2 then an empty one (a full window may not be
    // the last), same2 1, new 2+2+2 then an empty one: 10 reads, a pause before each but the first.
    expect(pauses).toBe(9);
  });

  it('keeps to one session', async () => {
    expect((await pages(store, { q: '贵', session: 'same1', limit: 1 }, 1)).seen).toEqual(['same1#1', 'same1#2']);
  });

  it('stops when the asker has gone', async () => {
    const gone = AbortSignal.abort();
    const answer = await searchTurns({ q: '贵', limit: 50 }, { store, cueMinSignalScore: 0.5, window: 1, pause: async () => {}, signal: gone });
    expect(answer).toEqual({ results: [], next: null });
  });
});

describe('migration 12', () => {
  it("fills the search form and language of the turns a schema-11 file holds", async () => {
    const file = tmpDb();
    const raw = new Database(file);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)');
    for (const m of MIGRATIONS.filter((x) => x.version <= 11)) {
      raw.exec(m.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 1);
    }
    raw.prepare("INSERT INTO sessions VALUES ('s1', 't', 1, 0)").run();
    const turn = raw.prepare("INSERT INTO utterances (session_id, seq, speaker, role, text, start_ms, end_ms, received_at) VALUES ('s1', ?, 'Bo', 'customer', ?, 0, 500, 2)");
    turn.run(1, 'Too ＥＸＰＥＮＳＩＶＥ');
    turn.run(2, '这个price太贵了');
    raw.close();

    const store = new SqliteStore(file);
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
    const found = await searchTurns({ q: 'expensive', limit: 5 }, { store, cueMinSignalScore: 0.5, pause: async () => {} });
    expect(found.results.map((r) => [r.seq, r.matches])).toEqual([[1, [[4, 13]]]]);
    const mixed = await searchTurns({ lang: 'mixed', limit: 5 }, { store, cueMinSignalScore: 0.5, pause: async () => {} });
    expect(mixed.results.map((r) => r.seq)).toEqual([2]);
    store.close();
  });
});
