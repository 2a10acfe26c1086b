import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from './sqliteStore';
import { MIGRATIONS } from './migrations';

const dirs: string[] = [];
function tmpDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-store-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'test.db');
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteStore', () => {
  it('applies every migration and uses WAL', () => {
    const file = tmpDb();
    const store = new SqliteStore(file);
    expect(store.schemaVersion()).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    store.close();
    // WAL is a property of the database file: it persists after close.
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('keeps sessions, participants, utterances, signals and cues across a restart', () => {
    const file = tmpDb();
    let store = new SqliteStore(file);
    store.createSession({ id: 's1', title: '面谈', createdAt: 1, demo: false, participants: [{ name: '王经理', role: 'rep' }] });
    store.addParticipants('s1', [{ name: 'Li Wei', role: null }]);
    const u = store.addUtterance({ sessionId: 's1', speaker: 'Li Wei', role: null, text: '多少钱？', startMs: 5, endMs: 900, receivedAt: 10 });
    const s = store.addSignal(
      { sessionId: 's1', utteranceId: u.id, participant: 'Li Wei', kind: 'verbal', label: 'price_inquiry', score: 0.9,
        scores: { price_inquiry: 0.9, discount_request: 0.05, purchase_intent: 0.02, resistance: 0.01, neutral: 0.02 },
        mediaMs: 5, modelVersion: 'v1' },
      u.text,
    );
    store.addCue({
      sessionId: 's1', type: 'closing_moment', reason: 'buying_signal', mediaMs: 5, score: 0.9, technique: 'direct_request',
      evidence: [{ signalId: s.id, kind: 'verbal', utteranceId: u.id, frameId: null, participant: 'Li Wei', label: 'price_inquiry', score: 0.9, mediaMs: 5, text: u.text }],
      title: { en: 't', zh: '题' }, tip: { en: 'tip', zh: '提示' }, modelVersion: 'v1', inputReceivedAt: 10, emittedAt: 11,
    });
    store.close();

    store = new SqliteStore(file);
    expect(store.getSession('s1')?.participants).toEqual([{ name: '王经理', role: 'rep' }, { name: 'Li Wei', role: null }]);
    expect(store.unassignedSpeakers('s1')).toEqual(['Li Wei']);
    expect(store.utterances('s1')).toEqual([{ ...u }]);
    expect(store.signals('s1')).toEqual([s]);
    expect(store.cues('s1')[0]).toMatchObject({ reason: 'buying_signal', tip: { zh: '提示' }, emittedAt: 11 });
    expect(store.listSessions()[0]).toMatchObject({ id: 's1', utteranceCount: 1, cueCount: 1 });
    store.close();
  });

  it('rolls back everything written inside a failed transaction', () => {
    const store = new SqliteStore(':memory:');
    store.createSession({ id: 's', title: 't', createdAt: 1, demo: false, participants: [] });
    expect(() =>
      store.transaction(() => {
        store.addUtterance({ sessionId: 's', speaker: 'a', role: null, text: 'x', startMs: 0, endMs: 0, receivedAt: 0 });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.utterances('s')).toEqual([]);
    store.close();
  });

  it('numbers utterances per session from 1', () => {
    const store = new SqliteStore(':memory:');
    for (const id of ['a', 'b']) store.createSession({ id, title: id, createdAt: 1, demo: false, participants: [] });
    const seqs = ['a', 'a', 'b'].map((sid) => store.addUtterance({ sessionId: sid, speaker: 'x', role: null, text: 't', startMs: 0, endMs: 0, receivedAt: 0 }).seq);
    expect(seqs).toEqual([1, 2, 1]);
    store.close();
  });
});

describe('WAL checkpoints of a file database', () => {
  // ~6 MB of utterances: far past the 1000 WAL pages after which SQLite checkpoints by itself.
  const fill = (store: SqliteStore, rows = 1500): void => {
    store.createSession({ id: 's', title: 't', createdAt: 0, demo: false, participants: [] });
    const text = '价'.repeat(1300);
    for (let i = 0; i < rows; i++) store.addUtterance({ sessionId: 's', speaker: 'x', role: null, text, startMs: i, endMs: i, receivedAt: i });
  };
  const size = (file: string): number => fs.statSync(file).size;

  it('inline: the commit that crosses 1000 pages copies them into the database file', () => {
    const file = tmpDb();
    const store = new SqliteStore(file, { checkpoint: 'inline' });
    expect(store.autoCheckpointPages()).toBe(1000);
    fill(store);
    expect(size(file)).toBeGreaterThan(4e6);
    store.close();
  });

  it('background: commits never checkpoint; a worker thread does, on its own schedule', async () => {
    const file = tmpDb();
    const idle = new SqliteStore(file, { checkpointer: { intervalMs: 60_000 } });
    expect(idle.autoCheckpointPages()).toBe(10_000);
    fill(idle);
    expect(size(file)).toBeLessThan(1e6); // everything is still in the WAL
    idle.close();

    const file2 = tmpDb();
    const store = new SqliteStore(file2, { checkpointer: { intervalMs: 20 } });
    fill(store);
    const deadline = Date.now() + 5000;
    while (size(file2) < 4e6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(size(file2)).toBeGreaterThan(4e6);
    expect(store.utterances('s')).toHaveLength(1500);
    store.close();
  });

  it('background: writes that never pause still checkpoint inline past walPagesMax, so the WAL stays bounded', () => {
    const file = tmpDb();
    const store = new SqliteStore(file, { checkpointer: { intervalMs: 100 }, walPagesMax: 500 });
    store.createSession({ id: 's', title: 't', createdAt: 0, demo: false, participants: [] });
    const text = 'x'.repeat(3000);
    // One synchronous loop: the worker's PASSIVE checkpoints never catch up with this writer,
    // so only the inline checkpoint lets the WAL start over.
    const until = Date.now() + 1500;
    let rows = 0;
    while (Date.now() < until) store.addUtterance({ sessionId: 's', speaker: 'x', role: null, text, startMs: rows, endMs: rows, receivedAt: rows++ });
    expect(rows * 3000).toBeGreaterThan(40e6);
    // Its peak size: 3–16 MB in runs here (the inline checkpoint is skipped while the worker's
    // runs), against the 55–70 MB written, all of which stays in the WAL without the bound.
    expect(size(`${file}-wal`)).toBeLessThan(25e6);
    store.close();
  });
});
