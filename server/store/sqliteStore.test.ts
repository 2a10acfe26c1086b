import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import Database from 'better-sqlite3';
import { CACHED_SESSIONS, FRAMES_PAGE, SESSION_TABLES, SqliteStore, StoreOpenError, WAL_SIZE_LIMIT, isErrorLike } from './sqliteStore';
import { MIGRATIONS } from './migrations';
import type { PersonBox, PostureFrameLabel, PostureSignalLabel } from '../../protocol/protocol';

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

  it('sessionCounts: the counts the list gives, of the sessions named that exist, each once, in one statement', () => {
    const store = new SqliteStore(':memory:');
    for (const id of ['s1', 's2', 's3']) store.createSession({ id, title: id, createdAt: 1, demo: false, participants: [{ name: 'Li', role: 'customer' }] });
    for (let i = 0; i < 3; i++) store.addUtterance({ sessionId: 's1', speaker: 'Li', role: 'customer', text: `t${i}`, startMs: i, endMs: i, receivedAt: 1 });
    store.addUtterance({ sessionId: 's2', speaker: 'Li', role: 'customer', text: 'x', startMs: 0, endMs: 0, receivedAt: 1 });
    const listed = (id: string) => {
      const { utteranceCount, cueCount, correctionCount, cueReviewCount, postureLabelCount, commentCount } = store.sessionSummary(id)!;
      return { sessionId: id, utteranceCount, cueCount, correctionCount, cueReviewCount, postureLabelCount, commentCount };
    };
    const byId = (xs: { sessionId: string }[]) => [...xs].sort((a, b) => a.sessionId.localeCompare(b.sessionId));
    // An unknown id, a repeated one, and an id with characters SQL or JSON would take specially.
    expect(byId(store.sessionCounts(['s2', 'nope', 's1', 's2', `a'"\\b`]))).toEqual([listed('s1'), listed('s2')]);
    expect(store.sessionCounts([])).toEqual([]);
    expect(store.sessionCounts(['s1'])).toEqual([{ sessionId: 's1', utteranceCount: 3, cueCount: 0, correctionCount: 0, cueReviewCount: 0, postureLabelCount: 0, commentCount: 0 }]);
    store.close();
  });

  it("modelVersions: the distinct versions of the session's signals and cues, a cue's `verbal+posture` split by its evidence", () => {
    const store = new SqliteStore(':memory:');
    store.createSession({ id: 's', title: 't', createdAt: 1, demo: false, participants: [{ name: 'Li', role: 'customer' }] });
    store.createSession({ id: 'other', title: 't', createdAt: 1, demo: false, participants: [] });
    expect(store.modelVersions('s')).toEqual({ verbal: [], posture: [], thresholds: [] });
    const u = store.addUtterance({ sessionId: 's', speaker: 'Li', role: 'customer', text: 'how much?', startMs: 5, endMs: 900, receivedAt: 10 });
    const scores = { price_inquiry: 0.9, discount_request: 0.05, purchase_intent: 0.02, resistance: 0.01, neutral: 0.02 };
    const verbal = (modelVersion: string) =>
      store.addSignal({ sessionId: 's', utteranceId: u.id, participant: 'Li', kind: 'verbal', label: 'price_inquiry', score: 0.9, scores, mediaMs: 5, modelVersion }, u.text);
    const v2 = verbal('verbal-2');
    verbal('verbal-1');
    verbal('verbal-2');
    const p = store.addPostureSignal({
      sessionId: 's', participant: 'Li', kind: 'posture', label: 'arms_crossed', score: 0.8, mediaMs: 7, startedMs: 6, endedMs: null,
      frameId: null, features: {}, source: 'browser', modelVersion: 'posture-1',
    });
    const cue = (modelVersion: string, kinds: ('verbal' | 'posture')[]) =>
      store.addCue({
        sessionId: 's', type: 'resistance', reason: 'closed_posture', mediaMs: 7, score: 0.8, technique: 'address_objection',
        evidence: kinds.map((kind) => ({ signalId: kind === 'verbal' ? v2.id : p.id, kind, utteranceId: null, frameId: null, participant: 'Li', label: kind === 'verbal' ? 'price_inquiry' : 'arms_crossed', score: 0.8, mediaMs: 7, text: 'x' })),
        title: { en: 't', zh: '题' }, tip: { en: 'tip', zh: '提示' }, modelVersion, inputReceivedAt: 10, emittedAt: 11,
      });
    cue('verbal-0+posture-0', ['verbal', 'posture']);
    cue('verbal-3', ['verbal']);
    cue('posture-2', ['posture']);
    expect(store.modelVersions('s')).toEqual({ verbal: ['verbal-0', 'verbal-1', 'verbal-2', 'verbal-3'], posture: ['posture-0', 'posture-1', 'posture-2'], thresholds: [] });
    expect(store.modelVersions('other')).toEqual({ verbal: [], posture: [], thresholds: [] });
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

  describe("sessions' participants kept in memory", () => {
    const ps = (store: SqliteStore, id = 's') => store.getSession(id)?.participants;

    it('gives what the file holds after every kind of write (as a store opened afresh reads it)', () => {
      const file = tmpDb();
      let store = new SqliteStore(file);
      store.createSession({ id: 's', title: 't', createdAt: 1, demo: false, participants: [{ name: 'Ada', role: 'rep' }] });
      expect(ps(store)).toEqual([{ name: 'Ada', role: 'rep' }]);
      store.addParticipants('s', [{ name: 'Li', role: null }, { name: 'Ada', role: null }]);
      expect(ps(store)).toEqual([{ name: 'Ada', role: 'rep' }, { name: 'Li', role: null }]);
      expect(store.unassignedSpeakers('s')).toEqual(['Li']);
      store.setRole('s', 'Li', 'customer');
      store.setRole('s', 'Ada', null);
      store.setRole('s', 'Mei', 'rep');
      const seen = { session: store.getSession('s'), unassigned: store.unassignedSpeakers('s') };
      expect(seen).toEqual({
        session: { id: 's', title: 't', createdAt: 1, demo: false, participants: [{ name: 'Ada', role: null }, { name: 'Li', role: 'customer' }, { name: 'Mei', role: 'rep' }] },
        unassigned: ['Ada'],
      });
      store.close();
      store = new SqliteStore(file);
      expect({ session: store.getSession('s'), unassigned: store.unassignedSpeakers('s') }).toEqual(seen);
      store.close();
    });

    it('forgets what a failed transaction or savepoint wrote, though it was read inside it', () => {
      const store = new SqliteStore(':memory:');
      store.createSession({ id: 's', title: 't', createdAt: 1, demo: false, participants: [{ name: 'Li', role: 'customer' }] });
      expect(ps(store)).toEqual([{ name: 'Li', role: 'customer' }]);
      expect(() =>
        store.transaction(() => {
          store.setRole('s', 'Li', 'rep');
          store.addParticipants('s', [{ name: 'Cy', role: null }]);
          expect(ps(store)).toEqual([{ name: 'Li', role: 'rep' }, { name: 'Cy', role: null }]);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(ps(store)).toEqual([{ name: 'Li', role: 'customer' }]);
      // A savepoint rolled back inside a transaction that commits (a live round's failed turn).
      store.transaction(() => {
        store.addParticipants('s', [{ name: 'Bo', role: 'rep' }]);
        expect(() =>
          store.transaction(() => {
            store.setRole('s', 'Li', null);
            store.addParticipants('s', [{ name: 'Cy', role: null }]);
            expect(store.unassignedSpeakers('s')).toEqual(['Li', 'Cy']);
            throw new Error('boom');
          }),
        ).toThrow('boom');
      });
      expect(ps(store)).toEqual([{ name: 'Li', role: 'customer' }, { name: 'Bo', role: 'rep' }]);
      expect(store.unassignedSpeakers('s')).toEqual([]);
      // A session whose creation was rolled back is not there.
      expect(() =>
        store.transaction(() => {
          store.createSession({ id: 'gone', title: 't', createdAt: 1, demo: false, participants: [{ name: 'X', role: 'rep' }] });
          expect(ps(store, 'gone')).toEqual([{ name: 'X', role: 'rep' }]);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(store.getSession('gone')).toBeUndefined();
      expect(store.participants('gone')).toEqual([]);
      store.close();
    });

    it('hands out copies, and reads sessions beyond CACHED_SESSIONS again as stored', () => {
      const store = new SqliteStore(':memory:');
      store.createSession({ id: 's', title: 't', createdAt: 1, demo: false, participants: [{ name: 'Li', role: 'customer' }] });
      const mine = store.getSession('s')!;
      mine.participants[0]!.role = 'rep';
      mine.participants.push({ name: 'Cy', role: null });
      store.participants('s').pop();
      expect(ps(store)).toEqual([{ name: 'Li', role: 'customer' }]);
      for (let i = 0; i < CACHED_SESSIONS + 5; i++) {
        store.createSession({ id: `x${i}`, title: 't', createdAt: 2, demo: false, participants: [{ name: 'P', role: 'rep' }] });
        store.getSession(`x${i}`);
      }
      store.setRole('s', 'Li', 'rep');
      expect(ps(store)).toEqual([{ name: 'Li', role: 'rep' }]);
      expect(ps(store, 'x0')).toEqual([{ name: 'P', role: 'rep' }]);
      expect(store.listSessions()).toHaveLength(CACHED_SESSIONS + 6);
      store.close();
    });
  });

  it('numbers utterances per session from 1', () => {
    const store = new SqliteStore(':memory:');
    for (const id of ['a', 'b']) store.createSession({ id, title: id, createdAt: 1, demo: false, participants: [] });
    const seqs = ['a', 'a', 'b'].map((sid) => store.addUtterance({ sessionId: sid, speaker: 'x', role: null, text: 't', startMs: 0, endMs: 0, receivedAt: 0 }).seq);
    expect(seqs).toEqual([1, 2, 1]);
    store.close();
  });

  it('numbers on from the last turn stored, after a rolled-back transaction or savepoint, a refused turn, and a restart', () => {
    const file = tmpDb();
    let store = new SqliteStore(file);
    store.createSession({ id: 'a', title: 'a', createdAt: 1, demo: false, participants: [] });
    const add = (clientTurnId?: string) =>
      store.addUtterance({ sessionId: 'a', speaker: 'x', role: null, text: 't', startMs: 0, endMs: 0, receivedAt: 0, ...(clientTurnId ? { clientTurnId } : {}) }).seq;
    expect(add()).toBe(1);
    expect(() =>
      store.transaction(() => {
        expect([add(), add()]).toEqual([2, 3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(add('c1')).toBe(2);
    store.transaction(() => {
      expect(add()).toBe(3);
      expect(() =>
        store.transaction(() => {
          expect(add()).toBe(4);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(add()).toBe(4);
    });
    // A turn refused by the store (its clientTurnId is taken) takes no number.
    expect(() => add('c1')).toThrow(/UNIQUE/);
    expect(add()).toBe(5);
    store.close();
    store = new SqliteStore(file);
    expect(add()).toBe(6);
    expect(store.utterances('a').map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    store.close();
  });

  describe("a client's turn id", () => {
    const turn = (sessionId: string, clientTurnId?: string) => ({
      sessionId, speaker: 'Bo', role: null, text: 'How much?', startMs: 5, endMs: 900, receivedAt: 10,
      ...(clientTurnId !== undefined ? { clientTurnId } : {}),
    });

    it('finds the turn stored under it, also after a restart, and it is not part of the stored Utterance', () => {
      const file = tmpDb();
      let store = new SqliteStore(file);
      store.createSession({ id: 's1', title: 't', createdAt: 1, demo: false, participants: [] });
      const u = store.addUtterance(turn('s1', 'p1:1'));
      expect(u).not.toHaveProperty('clientTurnId');
      store.close();
      store = new SqliteStore(file);
      expect(store.utteranceByClientTurnId('s1', 'p1:1')).toEqual(u);
      expect(store.utteranceByClientTurnId('s1', 'p1:2')).toBeUndefined();
      expect(store.utteranceByClientTurnId('s2', 'p1:1')).toBeUndefined();
      store.close();
    });

    it('is unique per session: a second turn under it is refused, while another session and turns without one are free', () => {
      const store = new SqliteStore(':memory:');
      for (const id of ['s1', 's2']) store.createSession({ id, title: id, createdAt: 1, demo: false, participants: [] });
      store.addUtterance(turn('s1', 'p1:1'));
      expect(() => store.addUtterance(turn('s1', 'p1:1'))).toThrow(/UNIQUE constraint failed: utterances.session_id, utterances.client_turn_id/);
      store.addUtterance(turn('s2', 'p1:1'));
      store.addUtterance(turn('s1'));
      store.addUtterance(turn('s1'));
      expect(store.utterances('s1').map((u) => u.seq)).toEqual([1, 2, 3]);
      expect(store.utterances('s2')).toHaveLength(1);
      store.close();
    });

    it('comes with migration 4, which keeps the turns a schema-3 file holds', () => {
      const file = tmpDb();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const raw = new Database(file);
      raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)');
      for (const m of MIGRATIONS.filter((x) => x.version <= 3)) {
        raw.exec(m.sql);
        raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 1);
      }
      raw.prepare("INSERT INTO sessions VALUES ('s1', 't', 1, 0)").run();
      raw.prepare("INSERT INTO utterances (session_id, seq, speaker, role, text, start_ms, end_ms, received_at) VALUES ('s1', 1, 'Bo', NULL, 'Hi.', 0, 500, 2)").run();
      raw.close();

      const store = new SqliteStore(file);
      expect(store.schemaVersion()).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
      expect(store.utterances('s1')).toEqual([
        { id: 1, sessionId: 's1', seq: 1, speaker: 'Bo', role: null, text: 'Hi.', startMs: 0, endMs: 500, receivedAt: 2 },
      ]);
      const next = store.addUtterance(turn('s1', 'p1:2'));
      expect(store.utteranceByClientTurnId('s1', 'p1:2')).toEqual(next);
      store.close();
    });
  });

  describe('posture tracker states', () => {
    const frame = (participant: string, mediaMs: number) => ({
      sessionId: 's1', participant, mediaMs, source: 'browser' as const, poses: [], receivedAt: 1,
    });

    it('keeps the latest state per participant, replaced on save, dropped per session and with the session', () => {
      const file = tmpDb();
      let store = new SqliteStore(file);
      for (const id of ['s1', 's2']) store.createSession({ id, title: id, createdAt: 1, demo: false, participants: [] });
      const saved = { sessionId: 's1', participant: 'Li', frameId: 3, mediaMs: 400, modelVersion: 'p1', aspect: 4 / 3, state: { v: 1, base: null } };
      store.saveTrackerState(saved);
      store.saveTrackerState({ ...saved, participant: 'Bo', aspect: undefined });
      store.saveTrackerState({ ...saved, sessionId: 's2' });
      store.saveTrackerState({ ...saved, frameId: 9, mediaMs: 800, state: { v: 1, base: { x: 0.25 } } });
      store.close();
      store = new SqliteStore(file);
      const { aspect: _a, ...bo } = { ...saved, participant: 'Bo' };
      expect(store.trackerStates('s1')).toEqual([bo, { ...saved, frameId: 9, mediaMs: 800, state: { v: 1, base: { x: 0.25 } } }]);
      store.deleteTrackerStates('s1');
      expect(store.trackerStates('s1')).toEqual([]);
      expect(store.trackerStates('s2')).toHaveLength(1);
      store.close();
      const raw = new Database(file);
      raw.pragma('foreign_keys = ON');
      raw.prepare("DELETE FROM sessions WHERE id = 's2'").run();
      expect(raw.prepare('SELECT COUNT(*) AS n FROM tracker_states').get()).toEqual({ n: 0 });
      raw.close();
    });

    it("iterates a participant's frames in media-time order, optionally after a given frame", () => {
      const store = new SqliteStore(':memory:');
      store.createSession({ id: 's1', title: 't', createdAt: 1, demo: false, participants: [] });
      const ids = [frame('Li', 200), frame('Bo', 100), frame('Li', 100), frame('Li', 200), frame('Li', 300)].map((f) => store.addFrame(f));
      const li = [...store.frames('s1', { participant: 'Li' })];
      expect(li.map((f) => f.id)).toEqual([ids[2], ids[0], ids[3], ids[4]]);
      expect([...store.frames('s1', { participant: 'Li', after: { mediaMs: 200, frameId: ids[0]! } })].map((f) => f.id)).toEqual([ids[3], ids[4]]);
      expect([...store.frames('s1', { participant: 'Li', after: { mediaMs: 300, frameId: ids[4]! } })]).toEqual([]);
      expect([...store.frames('s1')].map((f) => f.id)).toEqual([ids[1], ids[2], ids[0], ids[3], ids[4]]);
      // In stored order, after a frame by its id alone: media times may run backwards there.
      expect([...store.frames('s1', { participant: 'Li', order: 'stored' })].map((f) => f.id)).toEqual([ids[0], ids[2], ids[3], ids[4]]);
      expect([...store.frames('s1', { participant: 'Li', order: 'stored', after: { mediaMs: 200, frameId: ids[0]! } })].map((f) => f.id)).toEqual([ids[2], ids[3], ids[4]]);
      expect([...store.frames('s1', { order: 'stored', after: { mediaMs: 0, frameId: ids[2]! } })].map((f) => f.id)).toEqual([ids[3], ids[4]]);
      store.close();
    });

    it('reads frames a page at a time, across pages in order, and lets the reader write between pages', () => {
      const store = new SqliteStore(':memory:');
      store.createSession({ id: 's1', title: 't', createdAt: 1, demo: false, participants: [] });
      const n = FRAMES_PAGE * 2 + 3;
      for (let i = 0; i < n; i++) store.addFrame(frame(i % 2 ? 'Li' : 'Bo', Math.floor(i / 2) * 100));
      const seen: number[] = [];
      for (const f of store.frames('s1')) {
        seen.push(f.mediaMs);
        if (seen.length === FRAMES_PAGE) store.addFrame(frame('Late', 10_000_000)); // a write mid-read
      }
      expect(seen).toHaveLength(n + 1);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      expect([...store.frames('s1', { participant: 'Li' })]).toHaveLength((n - 1) / 2);
      // Stored order across pages, with media times running backwards.
      const back = Array.from({ length: FRAMES_PAGE + 2 }, (_, i) => store.addFrame(frame('Back', 1_000_000 - i)));
      expect([...store.frames('s1', { participant: 'Back', order: 'stored' })].map((f) => f.id)).toEqual(back);
      expect([...store.frames('s1', { participant: 'Back', order: 'stored', after: { mediaMs: 0, frameId: back[1]! } })].map((f) => f.id)).toEqual(back.slice(2));
      store.close();
    });

    it('come with migration 5, which keeps the frames a schema-4 file holds (and later migrations after it)', () => {
      const file = tmpDb();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const raw = new Database(file);
      raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)');
      for (const m of MIGRATIONS.filter((x) => x.version <= 4)) {
        raw.exec(m.sql);
        raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 1);
      }
      raw.prepare("INSERT INTO sessions VALUES ('s1', 't', 1, 0)").run();
      raw.prepare("INSERT INTO frames (session_id, participant, media_ms, source, persons, aspect, poses_json, received_at) VALUES ('s1', 'Li', 100, 'browser', 0, NULL, '[]', 2)").run();
      raw.close();

      const store = new SqliteStore(file);
      expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
      expect([...store.frames('s1')]).toEqual([{ id: 1, sessionId: 's1', participant: 'Li', mediaMs: 100, source: 'browser', poses: [], receivedAt: 2 }]);
      expect(store.trackerStates('s1')).toEqual([]);
      store.saveTrackerState({ sessionId: 's1', participant: 'Li', frameId: 1, mediaMs: 100, modelVersion: 'p1', state: {} });
      expect(store.trackerStates('s1')).toHaveLength(1);
      store.close();
    });
  });

  describe('a database file it cannot use', () => {
    function refusal(file: string): StoreOpenError {
      try {
        new SqliteStore(file).close();
      } catch (err) {
        if (err instanceof StoreOpenError) return err;
        throw err;
      }
      throw new Error('the store opened');
    }

    it('refuses a file that is not SQLite, naming it and what to do', () => {
      const file = tmpDb();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'speaker,text\nBo,hello\n'.repeat(100));
      const e = refusal(file);
      expect(e.reason).toBe('not_sqlite');
      expect(e.message).toContain(`${file} is not a SQLite database`);
      expect(e.message).toContain('another --db file');
    });

    it('refuses a truncated database file', () => {
      const file = tmpDb();
      const store = new SqliteStore(file);
      store.createSession({ id: 's1', title: 't', createdAt: 1, demo: false, participants: [] });
      store.close();
      const bytes = fs.readFileSync(file);
      fs.writeFileSync(file, bytes.subarray(0, 3000));
      const e = refusal(file);
      expect(e.reason).toBe('corrupt');
      expect(e.message).toContain(`${file} is damaged`);
    });

    it('refuses a database written by a newer version instead of running on a schema it does not know', () => {
      const file = tmpDb();
      new SqliteStore(file).close();
      const raw = new Database(file);
      const next = MIGRATIONS[MIGRATIONS.length - 1]!.version + 1;
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(next, 'from the future', 1);
      raw.close();
      const e = refusal(file);
      expect(e.reason).toBe('newer_schema');
      expect(e.message).toContain(`${file} has schema version ${next}`);
      expect(e.message).toContain(`knows versions up to ${next - 1}`);
    });

    it('lets one store at a time use a file: a second one is told it is in use, and gets it once the first closes', () => {
      const file = tmpDb();
      const first = new SqliteStore(file);
      first.createSession({ id: 's1', title: 't', createdAt: 1, demo: false, participants: [] });
      const e = refusal(file);
      expect(e.reason).toBe('in_use');
      expect(e.message).toContain(`${file} is in use by another process`);
      first.close();
      const second = new SqliteStore(file);
      expect(second.getSession('s1')?.title).toBe('t');
      second.close();
    });

    it('gives back the disk a WAL grew to behind a long export: once the export ends and the WAL is checkpointed, the next write cuts it to WAL_SIZE_LIMIT', () => {
      const file = tmpDb();
      const store = new SqliteStore(file);
      try {
        store.createSession({ id: 's', title: 't', createdAt: 1, demo: false, participants: [{ name: 'Li', role: 'customer' }] });
        const turn = (i: number) => store.addUtterance({ sessionId: 's', speaker: 'Li', role: 'customer', text: `turn ${i} ${'w'.repeat(300)}`, startMs: i, endMs: i, receivedAt: 0 });
        turn(0);
        const held = store.openArchive('s')!;
        held.rows.utterances[Symbol.iterator]().next(); // its snapshot is taken
        const checkpointer = new Database(file);
        for (let i = 1; i <= 4000; i++) {
          turn(i);
          if (i % 500 === 0) checkpointer.pragma('wal_checkpoint(PASSIVE)'); // as the checkpointer does: no progress past the snapshot
        }
        expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(WAL_SIZE_LIMIT);
        held.close();
        checkpointer.pragma('wal_checkpoint(PASSIVE)');
        turn(4001); // starts the WAL over from its beginning
        checkpointer.close();
        expect(fs.statSync(`${file}-wal`).size).toBeLessThanOrEqual(WAL_SIZE_LIMIT);
      } finally {
        store.close();
      }
    });

    it('names the lock file when FILE.lock cannot be opened (the database itself opened)', () => {
      const file = tmpDb();
      fs.mkdirSync(`${file}.lock`, { recursive: true }); // a folder where the lock file goes
      const e = refusal(file);
      expect(e.reason).toBe('cannot_open');
      expect(e.message).toContain(`${file}.lock`);
    });

    it('takes an error from another realm for an error (better-sqlite3 makes its errors in the realm that loaded it first; under jest a later test file is another realm)', () => {
      const foreign: unknown = vm.runInNewContext('Object.assign(new Error("unable to open database file"), { code: "SQLITE_CANTOPEN" })');
      expect(foreign instanceof Error).toBe(false);
      expect(isErrorLike(foreign)).toBe(true);
      expect(isErrorLike('unable to open')).toBe(false);
      expect(isErrorLike({ message: 3 })).toBe(false);
      expect(isErrorLike(null)).toBe(false);
    });

    it('refuses a second store on the same file under another spelling: a symlink to it, or a folder reached through one', () => {
      const file = tmpDb();
      const first = new SqliteStore(file);
      try {
        const link = path.join(path.dirname(file), `link-${path.basename(file)}`);
        fs.symlinkSync(file, link);
        const dirLink = `${path.dirname(file)}-dirlink`;
        fs.symlinkSync(path.dirname(file), dirLink);
        for (const other of [link, path.join(dirLink, path.basename(file))]) {
          const e = refusal(other);
          expect(e.reason).toBe('in_use');
        }
      } finally {
        first.close();
      }
    });
  });
});

describe('SqliteStore corrections', () => {
  const SCORES = { price_inquiry: 0.7, discount_request: 0.1, purchase_intent: 0.1, resistance: 0.05, neutral: 0.05 };
  /** Two sessions: s1 with a rep turn, two customer turns (the first with a signal) and a turn of a speaker without a role; s2 with one customer turn. */
  function seeded(file = ':memory:') {
    const store = new SqliteStore(file);
    store.createSession({ id: 's1', title: 'one', createdAt: 1, demo: false, participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] });
    store.createSession({ id: 's2', title: 'two', createdAt: 2, demo: false, participants: [{ name: 'Wu', role: 'customer' }] });
    store.addParticipants('s1', [{ name: 'Mo', role: null }]);
    const turn = (sessionId: string, speaker: string, role: 'customer' | 'rep' | null, text: string, startMs: number) =>
      store.addUtterance({ sessionId, speaker, role, text, startMs, endMs: startMs, receivedAt: 0 });
    const wu = turn('s2', 'Wu', 'customer', '多少钱？', 100);
    const ada = turn('s1', 'Ada', 'rep', 'Here is the plan.', 1000);
    const li1 = turn('s1', 'Li', 'customer', 'How much is it?', 2000);
    const li2 = turn('s1', 'Li', 'customer', 'Fine.', 3000);
    const mo = turn('s1', 'Mo', null, 'Hello.', 4000);
    const signal = store.addSignal({ sessionId: 's1', utteranceId: li1.id, participant: 'Li', kind: 'verbal', label: 'price_inquiry', score: 0.7, scores: SCORES, mediaMs: 2000, modelVersion: 'v1' }, li1.text);
    return { store, wu, ada, li1, li2, mo, signal };
  }

  it('keeps one correction per turn (a later one replaces it), lists a session\'s by utteranceId, and removes one saying whether it existed', () => {
    const { store, li1, li2, wu } = seeded();
    store.setCorrection({ sessionId: 's1', utteranceId: li2.id, label: 'purchase_intent', note: null, correctedAt: 10 });
    store.setCorrection({ sessionId: 's1', utteranceId: li1.id, label: 'neutral', note: 'small talk', correctedAt: 11 });
    store.setCorrection({ sessionId: 's1', utteranceId: li1.id, label: 'resistance', note: null, correctedAt: 12 });
    store.setCorrection({ sessionId: 's2', utteranceId: wu.id, label: 'price_inquiry', note: null, correctedAt: 13 });
    expect(store.corrections('s1')).toEqual([
      { sessionId: 's1', utteranceId: li1.id, label: 'resistance', note: null, correctedAt: 12 },
      { sessionId: 's1', utteranceId: li2.id, label: 'purchase_intent', note: null, correctedAt: 10 },
    ]);
    expect(store.removeCorrection('s1', li2.id)).toBe(true);
    expect(store.removeCorrection('s1', li2.id)).toBe(false);
    // Another session's turn is not this session's to remove.
    expect(store.removeCorrection('s1', wu.id)).toBe(false);
    expect(store.corrections('s1').map((c) => c.utteranceId)).toEqual([li1.id]);
    expect(store.corrections('s2')).toHaveLength(1);
    store.close();
  });

  it('survives a re-analysis (clearAnalysis) and a restart, and refuses a label outside the verbal labels', () => {
    const file = tmpDb();
    const seed = seeded(file);
    let { store } = seed;
    const { li1 } = seed;
    store.setCorrection({ sessionId: 's1', utteranceId: li1.id, label: 'neutral', note: '问价格', correctedAt: 5 });
    store.transaction(() => {
      store.clearAnalysis('s1');
      store.deleteTrackerStates('s1');
    });
    expect(store.signals('s1')).toEqual([]);
    expect(() => store.setCorrection({ sessionId: 's1', utteranceId: li1.id, label: 'maybe' as never, note: null, correctedAt: 6 })).toThrow(/CHECK constraint/);
    store.close();
    store = new SqliteStore(file);
    expect(store.corrections('s1')).toEqual([{ sessionId: 's1', utteranceId: li1.id, label: 'neutral', note: '问价格', correctedAt: 5 }]);
    store.close();
  });

  it('goes with its turn or session if either is ever deleted (foreign keys)', () => {
    const { store, li1, li2 } = seeded();
    store.setCorrection({ sessionId: 's1', utteranceId: li1.id, label: 'neutral', note: null, correctedAt: 1 });
    store.setCorrection({ sessionId: 's1', utteranceId: li2.id, label: 'neutral', note: null, correctedAt: 1 });
    const db = (store as unknown as { db: Database.Database }).db;
    db.prepare('DELETE FROM utterances WHERE id = ?').run(li1.id);
    expect(store.corrections('s1').map((c) => c.utteranceId)).toEqual([li2.id]);
    db.prepare("DELETE FROM sessions WHERE id = 's1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM corrections').get()).toEqual({ n: 0 });
    store.close();
  });

  it('reads the export rows: customer turns only, in session then turn order, with the previous turn as context and the stored signal', () => {
    const { store, ada, li1, li2, mo, wu } = seeded();
    for (const u of [mo, li2, li1, wu, ada]) store.setCorrection({ sessionId: u.sessionId, utteranceId: u.id, label: 'neutral', note: null, correctedAt: 7 });
    const rows = store.correctionsForExport();
    // Ada (rep) and Mo (no role) are left out; s1 was created first.
    expect(rows.map((r) => r.correction.utteranceId)).toEqual([li1.id, li2.id, wu.id]);
    expect(rows[0]).toEqual({
      correction: { sessionId: 's1', utteranceId: li1.id, label: 'neutral', note: null, correctedAt: 7 },
      speaker: 'Li', text: 'How much is it?', startMs: 2000, context: 'Here is the plan.', modelLabel: 'price_inquiry', modelScore: 0.7, modelVersion: 'v1',
    });
    expect(rows[1]).toMatchObject({ context: 'How much is it?', modelLabel: null, modelScore: null, modelVersion: null });
    // The first turn of its session has no context.
    expect(rows[2]).toMatchObject({ speaker: 'Wu', context: null });
    expect(store.correctionsForExport('s2').map((r) => r.correction.utteranceId)).toEqual([wu.id]);
    // A speaker who is a customer now takes their corrections into the export.
    store.setRole('s1', 'Mo', 'customer');
    expect(store.correctionsForExport('s1').map((r) => r.correction.utteranceId)).toEqual([li1.id, li2.id, mo.id]);
    expect(store.corrections('s1')).toHaveLength(4);
    store.close();
  });
});

describe('SqliteStore cue reviews', () => {
  const EVIDENCE = { signalId: 1, kind: 'verbal', utteranceId: 1, frameId: null, participant: 'Li', label: 'price_inquiry', score: 0.8, text: 'How much?' } as const;
  /** Two sessions: s1 with a closing moment at 2000 and a resistance at 5000, s2 with a closing moment at 100. */
  function seeded(file = ':memory:') {
    const store = new SqliteStore(file);
    store.createSession({ id: 's1', title: 'one', createdAt: 1, demo: false, participants: [{ name: 'Li', role: 'customer' }] });
    store.createSession({ id: 's2', title: 'two', createdAt: 2, demo: false, participants: [{ name: 'Wu', role: 'customer' }] });
    const cue = (sessionId: string, type: 'closing_moment' | 'resistance', mediaMs: number) =>
      store.addCue({
        sessionId, type, reason: type === 'resistance' ? 'customer_resists' : 'buying_signal', mediaMs, score: 0.8,
        technique: type === 'resistance' ? 'address_objection' : 'direct_request', evidence: [{ ...EVIDENCE, mediaMs }],
        title: { en: 't', zh: '题' }, tip: { en: 'tip', zh: '提示' }, modelVersion: 'v1', inputReceivedAt: 1, emittedAt: 2,
      });
    return { store, cue, close1: cue('s1', 'closing_moment', 2000), resist1: cue('s1', 'resistance', 5000), close2: cue('s2', 'closing_moment', 100) };
  }
  const review = (sessionId: string, cueType: 'closing_moment' | 'resistance', mediaMs: number, verdict: 'useful' | 'false_alarm', reviewedAt: number, note: string | null = null) =>
    ({ sessionId, cueType, mediaMs, verdict, note, reviewedAt });

  it('keeps one verdict per moment (a later one replaces it), lists a session\'s by media time then type with the current cue\'s id, and removes one saying whether it existed', () => {
    const { store, close1, resist1, close2 } = seeded();
    expect(store.cue('s1', close1.id)).toEqual(close1);
    expect(store.cue('s1', close2.id)).toBeUndefined();
    store.setCueReview(review('s1', 'resistance', 5000, 'useful', 10));
    // A moment with no cue of that type (a resistance at 2000) may be stored; it joins none.
    store.setCueReview(review('s1', 'resistance', 2000, 'false_alarm', 11));
    expect(store.setCueReview(review('s1', 'closing_moment', 2000, 'useful', 12, 'good'))).toEqual({ ...review('s1', 'closing_moment', 2000, 'useful', 12, 'good'), cueId: close1.id });
    expect(store.setCueReview(review('s1', 'closing_moment', 2000, 'false_alarm', 13))).toEqual({ ...review('s1', 'closing_moment', 2000, 'false_alarm', 13), cueId: close1.id });
    store.setCueReview(review('s2', 'closing_moment', 100, 'useful', 14));
    expect(store.cueReviews('s1')).toEqual([
      { ...review('s1', 'closing_moment', 2000, 'false_alarm', 13), cueId: close1.id },
      { ...review('s1', 'resistance', 2000, 'false_alarm', 11), cueId: null },
      { ...review('s1', 'resistance', 5000, 'useful', 10), cueId: resist1.id },
    ]);
    expect(store.cueReviews('s2')).toEqual([{ ...review('s2', 'closing_moment', 100, 'useful', 14), cueId: close2.id }]);
    expect(store.removeCueReview({ sessionId: 's1', cueType: 'resistance', mediaMs: 2000 })).toBe(true);
    expect(store.removeCueReview({ sessionId: 's1', cueType: 'resistance', mediaMs: 2000 })).toBe(false);
    // Another session's moment is not this session's to remove.
    expect(store.removeCueReview({ sessionId: 's1', cueType: 'closing_moment', mediaMs: 100 })).toBe(false);
    expect(store.cueReviews('s1').map((r) => [r.cueType, r.mediaMs])).toEqual([['closing_moment', 2000], ['resistance', 5000]]);
    expect(store.cueReviews('s2')).toHaveLength(1);
    expect(store.listSessions().map((s) => [s.id, s.cueReviewCount])).toEqual([['s2', 1], ['s1', 2]]);
    store.close();
  });

  it('outlives the cues a re-analysis replaces, re-attaching to the new cue at the same moment (the first, should two share it), and survives a restart; refuses values outside the enums', () => {
    const file = tmpDb();
    const seed = seeded(file);
    let { store } = seed;
    store.setCueReview(review('s1', 'closing_moment', 2000, 'useful', 5, '时机对'));
    store.setCueReview(review('s1', 'resistance', 5000, 'false_alarm', 6));
    store.transaction(() => store.clearAnalysis('s1'));
    expect(store.cueReviews('s1').map((r) => r.cueId)).toEqual([null, null]);
    const again = seed.cue('s1', 'closing_moment', 2000);
    const twin = seed.cue('s1', 'closing_moment', 2000);
    expect(again.id).not.toBe(seed.close1.id);
    expect(store.cueReviews('s1').map((r) => r.cueId)).toEqual([again.id, null]);
    expect(twin.id).toBeGreaterThan(again.id);
    expect(() => store.setCueReview(review('s1', 'closing_moment', 1, 'maybe' as never, 7))).toThrow(/CHECK constraint/);
    expect(() => store.setCueReview(review('s1', 'other' as never, 1, 'useful', 7))).toThrow(/CHECK constraint/);
    store.close();
    store = new SqliteStore(file);
    expect(store.cueReviews('s1')).toEqual([
      { ...review('s1', 'closing_moment', 2000, 'useful', 5, '时机对'), cueId: again.id },
      { ...review('s1', 'resistance', 5000, 'false_alarm', 6), cueId: null },
    ]);
    store.close();
  });

  it('goes with its session if that is ever deleted (foreign key)', () => {
    const { store } = seeded();
    store.setCueReview(review('s1', 'closing_moment', 2000, 'useful', 1));
    store.setCueReview(review('s2', 'closing_moment', 100, 'useful', 1));
    const db = (store as unknown as { db: Database.Database }).db;
    db.prepare("DELETE FROM sessions WHERE id = 's1'").run();
    expect(db.prepare('SELECT session_id FROM cue_reviews').all()).toEqual([{ session_id: 's2' }]);
    store.close();
  });

  it('reads the export rows: every verdict in session, then media time, then type order, with its current cue or none', () => {
    const { store, close1, resist1, close2 } = seeded();
    store.setCueReview(review('s2', 'closing_moment', 100, 'useful', 1));
    store.setCueReview(review('s1', 'resistance', 5000, 'false_alarm', 2, 'was a joke'));
    store.setCueReview(review('s1', 'resistance', 2000, 'useful', 3));
    store.setCueReview(review('s1', 'closing_moment', 2000, 'useful', 4));
    const rows = store.cueReviewsForExport();
    expect(rows.map((r) => [r.review.sessionId, r.review.cueType, r.review.mediaMs])).toEqual([
      ['s1', 'closing_moment', 2000], ['s1', 'resistance', 2000], ['s1', 'resistance', 5000], ['s2', 'closing_moment', 100],
    ]);
    expect(rows[0]!.cue).toEqual({ id: close1.id, reason: 'buying_signal', score: 0.8, technique: 'direct_request', modelVersion: 'v1', evidence: close1.evidence });
    expect(rows[1]).toEqual({ review: { ...review('s1', 'resistance', 2000, 'useful', 3), cueId: null }, cue: null });
    expect(rows[2]).toMatchObject({ review: { note: 'was a joke', cueId: resist1.id }, cue: { id: resist1.id, reason: 'customer_resists' } });
    expect(store.cueReviewsForExport('s2').map((r) => r.cue?.id)).toEqual([close2.id]);
    expect(store.cueReviewsForExport('nope')).toEqual([]);
    store.close();
  });
});

describe('SqliteStore posture labels', () => {
  /** A pose whose every landmark sits at (x, y); `z`, `score` only when given. */
  const pose = (x: number, y = 0.5, extra: { z?: number; score?: number } = {}) => ({ landmarks: Array.from({ length: 33 }, () => ({ x, y, ...extra })) });
  /** s1 (Li customer, Bo rep, Mo no role yet) and s2 (Wu customer), created in that order. */
  function seeded(file = ':memory:') {
    const store = new SqliteStore(file);
    store.createSession({ id: 's1', title: 'one', createdAt: 1, demo: false, participants: [{ name: 'Li', role: 'customer' }, { name: 'Bo', role: 'rep' }, { name: 'Mo', role: null }] });
    store.createSession({ id: 's2', title: 'two', createdAt: 2, demo: false, participants: [{ name: 'Wu', role: 'customer' }] });
    const frame = (sessionId: string, participant: string, mediaMs: number, extra: { poses?: ReturnType<typeof pose>[]; person?: PersonBox | null; aspect?: number; source?: 'browser' | 'server' } = {}) =>
      store.addFrame({ sessionId, participant, mediaMs, source: extra.source ?? 'browser', poses: extra.poses ?? [pose(0.5)], receivedAt: 1,
        ...(extra.aspect !== undefined ? { aspect: extra.aspect } : {}), ...(extra.person !== undefined ? { person: extra.person } : {}) });
    return { store, frame };
  }
  const labels = (sessionId: string, frameId: number, participant: string, ls: PostureFrameLabel[], labelledAt: number, note: string | null = null) =>
    ({ sessionId, frameId, participant, labels: ls, note, labelledAt });
  const posture = (participant: string, label: PostureSignalLabel, startedMs: number, endedMs: number | null, modelVersion = 'posture-1', sessionId = 's1') =>
    ({ sessionId, kind: 'posture' as const, participant, frameId: null, label, score: 0.9, mediaMs: startedMs, startedMs, endedMs, features: {}, source: 'browser' as const, modelVersion });

  it("finds the participant's frames with a person nearest a time: the latest at or before it and the first after it, skipping frames where nobody was found and other participants' frames", () => {
    const { store, frame } = seeded();
    expect(store.framesWithPersonAround('s1', 'Li', 1000)).toEqual({});
    const a = frame('s1', 'Li', 800);
    const a2 = frame('s1', 'Li', 800); // the same time stored again (a seek back): the first stored is the one
    frame('s1', 'Li', 900, { poses: [] }); // nobody found
    frame('s1', 'Bo', 1000);
    frame('s1', 'Li', 1000, { poses: [] });
    const b = frame('s1', 'Li', 1500);
    frame('s2', 'Li', 1200);
    expect(a2).toBeGreaterThan(a);
    expect(store.framesWithPersonAround('s1', 'Li', 1000)).toEqual({ before: { id: a, mediaMs: 800 }, after: { id: b, mediaMs: 1500 } });
    expect(store.framesWithPersonAround('s1', 'Li', 800)).toEqual({ before: { id: a, mediaMs: 800 }, after: { id: b, mediaMs: 1500 } });
    expect(store.framesWithPersonAround('s1', 'Li', 799)).toEqual({ after: { id: a, mediaMs: 800 } });
    expect(store.framesWithPersonAround('s1', 'Li', 2000)).toEqual({ before: { id: b, mediaMs: 1500 } });
    expect(store.framesWithPersonAround('s1', 'Nobody', 1000)).toEqual({});
    store.close();
  });

  it('keeps one set per frame (a later one replaces it), in POSTURE_FRAME_LABELS order, lists a session\'s by media time then participant, removes one saying whether it existed, and counts customers\' for the session list', () => {
    const { store, frame } = seeded();
    const [li2000, mo1000, li1000, wu] = [frame('s1', 'Li', 2000), frame('s1', 'Mo', 1000), frame('s1', 'Li', 1000), frame('s2', 'Wu', 5)];
    expect(store.setPostureLabels(labels('s1', li2000, 'Li', ['open_palms', 'leaning_forward'], 10, 'leans in'))).toEqual({
      ...labels('s1', li2000, 'Li', ['leaning_forward', 'open_palms'], 10, 'leans in'), mediaMs: 2000,
    });
    store.setPostureLabels(labels('s1', li2000, 'Li', ['sitting_far', 'neutral'], 11));
    store.setPostureLabels(labels('s1', mo1000, 'Mo', ['arms_crossed'], 12));
    store.setPostureLabels(labels('s1', li1000, 'Li', ['legs_crossed'], 13));
    store.setPostureLabels(labels('s2', wu, 'Wu', ['neutral'], 14));
    expect(store.postureLabels('s1')).toEqual([
      { ...labels('s1', li1000, 'Li', ['legs_crossed'], 13), mediaMs: 1000 },
      { ...labels('s1', mo1000, 'Mo', ['arms_crossed'], 12), mediaMs: 1000 },
      { ...labels('s1', li2000, 'Li', ['sitting_far', 'neutral'], 11), mediaMs: 2000 },
    ]);
    expect(store.postureLabel('s1', li2000)?.labels).toEqual(['sitting_far', 'neutral']);
    expect(store.postureLabel('s1', wu)).toBeUndefined();
    // Mo has no role: not counted (as the export leaves it out), but listed.
    expect(store.listSessions().map((s) => [s.id, s.postureLabelCount])).toEqual([['s2', 1], ['s1', 2]]);
    expect(store.removePostureLabels('s1', wu)).toBe(false); // another session's frame
    expect(store.removePostureLabels('s1', li1000)).toBe(true);
    expect(store.removePostureLabels('s1', li1000)).toBe(false);
    expect(store.postureLabels('s1').map((l) => l.frameId)).toEqual([mo1000, li2000]);
    store.setRole('s1', 'Mo', 'customer');
    expect(store.listSessions().map((s) => [s.id, s.postureLabelCount])).toEqual([['s2', 1], ['s1', 2]]);
    store.setRole('s1', 'Li', 'rep');
    expect(store.listSessions().map((s) => [s.id, s.postureLabelCount])).toEqual([['s2', 1], ['s1', 1]]);
    store.close();
  });

  it('survives a re-analysis (clearAnalysis, tracker states) and a restart; goes with its frame or session if either is ever deleted', () => {
    const file = tmpDb();
    const seed = seeded(file);
    const { frame } = seed;
    let { store } = seed;
    const f1 = frame('s1', 'Li', 100);
    const f2 = frame('s1', 'Li', 200);
    store.setPostureLabels(labels('s1', f1, 'Li', ['arms_crossed', 'leaning_back'], 5, '抱臂'));
    store.setPostureLabels(labels('s1', f2, 'Li', ['neutral'], 6));
    store.transaction(() => {
      store.clearAnalysis('s1');
      store.deleteTrackerStates('s1');
    });
    store.close();
    store = new SqliteStore(file);
    expect(store.postureLabels('s1')).toEqual([
      { ...labels('s1', f1, 'Li', ['arms_crossed', 'leaning_back'], 5, '抱臂'), mediaMs: 100 },
      { ...labels('s1', f2, 'Li', ['neutral'], 6), mediaMs: 200 },
    ]);
    const db = (store as unknown as { db: Database.Database }).db;
    db.prepare('DELETE FROM frames WHERE id = ?').run(f1);
    expect(store.postureLabels('s1').map((l) => l.frameId)).toEqual([f2]);
    db.prepare("DELETE FROM sessions WHERE id = 's1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM posture_labels').get()).toEqual({ n: 0 });
    store.close();
  });

  it("reads the export rows: customers' labelled frames only, in session, media-time, participant order, with the frame's poses, the person box pointed at on or before it, the signals on at its time and the latest posture model", () => {
    const { store, frame } = seeded();
    store.setRole('s1', 'Mo', 'customer');
    const box = { xMin: 0.6, yMin: 0.1, width: 0.3, height: 0.8 };
    const two = [pose(0.3, 0.5, { z: -0.1, score: 0.9 }), pose(0.7)];
    frame('s1', 'Li', 100, { person: box });
    const liPointed = frame('s1', 'Li', 200, { poses: two, aspect: 4 / 3 });
    frame('s1', 'Li', 300, { person: null }); // cleared: later frames follow nobody in particular
    const liCleared = frame('s1', 'Li', 400, { poses: two });
    const liLaterBox = frame('s1', 'Li', 500, { poses: two, person: box, source: 'server' });
    const mo = frame('s1', 'Mo', 200);
    const bo = frame('s1', 'Bo', 200);
    const wu = frame('s2', 'Wu', 50);
    for (const [id, who] of [[liLaterBox, 'Li'], [liCleared, 'Li'], [mo, 'Mo'], [bo, 'Bo'], [liPointed, 'Li'], [wu, 'Wu']] as const) {
      store.setPostureLabels(labels(id < wu ? 's1' : 's2', id, who, ['neutral'], id, who === 'Mo' ? 'slouches' : null));
    }
    store.addPostureSignal(posture('Li', 'arms_crossed', 150, 400, 'posture-old'));
    store.addPostureSignal(posture('Li', 'open_palms', 200, null));
    store.addPostureSignal(posture('Li', 'nodding', 100, 250));
    store.addPostureSignal(posture('Li', 'leaning_back', 201, null));
    store.addPostureSignal(posture('Bo', 'leaning_forward', 0, null));
    const rows = [...store.postureLabelsForExport()];
    // Bo (a rep) is left out; s1 was created first; Li before Mo at 200.
    expect(rows.map((r) => [r.labels.sessionId, r.labels.frameId])).toEqual([['s1', liPointed], ['s1', mo], ['s1', liCleared], ['s1', liLaterBox], ['s2', wu]]);
    expect(rows[0]).toEqual({
      labels: { ...labels('s1', liPointed, 'Li', ['neutral'], liPointed), mediaMs: 200 }, source: 'browser', poses: two, aspect: 4 / 3, person: box,
      modelLabels: expect.arrayContaining(['arms_crossed', 'open_palms', 'nodding']), modelVersion: 'posture-1', sessionTitle: 'one',
    });
    expect(rows[0]!.modelLabels).toHaveLength(3);
    expect(rows[1]).toMatchObject({ labels: { participant: 'Mo', note: 'slouches' }, person: null, modelLabels: [], modelVersion: null });
    expect(rows[1]).not.toHaveProperty('aspect');
    // At 400: arms_crossed ended there (off), nodding ended before; the box was cleared at 300.
    expect(rows[2]).toMatchObject({ person: null });
    expect([...rows[2]!.modelLabels].sort()).toEqual(['leaning_back', 'open_palms']);
    // A box sent with the labelled frame itself counts.
    expect(rows[3]).toMatchObject({ source: 'server', person: box });
    expect(rows[4]).toMatchObject({ labels: { participant: 'Wu' }, modelLabels: [], modelVersion: null, sessionTitle: 'two' });
    // One session's; an unknown session's is empty; read a page at a time (ties in media time across participants kept in order).
    expect([...store.postureLabelsForExport('s2')].map((r) => r.labels.frameId)).toEqual([wu]);
    expect([...store.postureLabelsForExport('nope')]).toEqual([]);
    for (const size of [1, 2, 3]) expect([...store.postureLabelsForExport(undefined, size)].map((r) => r.labels.frameId)).toEqual(rows.map((r) => r.labels.frameId));
    // Labels stay stored when their participant stops being a customer, and come back when they are one again.
    store.setRole('s1', 'Li', 'rep');
    expect([...store.postureLabelsForExport('s1')].map((r) => r.labels.frameId)).toEqual([mo]);
    expect(store.postureLabels('s1')).toHaveLength(5);
    store.setRole('s1', 'Li', 'customer');
    expect([...store.postureLabelsForExport('s1')]).toHaveLength(4);
    store.close();
  });
});

describe('SqliteStore coach comments', () => {
  function two(file = ':memory:') {
    const store = new SqliteStore(file);
    store.createSession({ id: 's1', title: 'one', createdAt: 1, demo: false, participants: [] });
    store.createSession({ id: 's2', title: 'two', createdAt: 2, demo: false, participants: [] });
    return store;
  }
  const comment = (sessionId: string, mediaMs: number, text: string, createdAt = 10, author: string | null = null) => ({ sessionId, mediaMs, text, author, createdAt });

  it('adds, lists by media time then id, replaces (createdAt kept, editedAt set), removes saying whether it existed, and counts per session for the list', () => {
    const store = two();
    const late = store.addComment(comment('s1', 5000, 'ask for the deal here', 10, 'Coach Wu'), 1000)!;
    expect(late).toEqual({ id: late.id, sessionId: 's1', mediaMs: 5000, text: 'ask for the deal here', author: 'Coach Wu', createdAt: 10, editedAt: null });
    const early = store.addComment(comment('s1', 1000, '先问预算', 11), 1000)!;
    const tie = store.addComment(comment('s1', 5000, 'second at 5 s', 12), 1000)!;
    const other = store.addComment(comment('s2', 0, 'other session', 13), 1000)!;
    expect(store.comments('s1').map((c) => c.id)).toEqual([early.id, late.id, tie.id]);
    expect(store.comment('s1', other.id)).toBeUndefined();
    expect(store.listSessions().map((s) => [s.id, s.commentCount])).toEqual([['s2', 1], ['s1', 3]]);

    const edited = store.replaceComment('s1', late.id, { mediaMs: 500, text: 'earlier', author: null, editedAt: 99 });
    expect(edited).toEqual({ ...late, mediaMs: 500, text: 'earlier', author: null, editedAt: 99 });
    expect(store.comments('s1').map((c) => c.id)).toEqual([late.id, early.id, tie.id]);
    // Another session's comment, or none under the id: nothing changes.
    expect(store.replaceComment('s1', other.id, { mediaMs: 1, text: 'x', author: null, editedAt: 100 })).toBeUndefined();
    expect(store.comment('s2', other.id)).toEqual(other);
    expect(store.removeComment('s1', other.id)).toBe(false);
    expect(store.removeComment('s1', early.id)).toBe(true);
    expect(store.removeComment('s1', early.id)).toBe(false);
    expect(store.commentCount('s1')).toBe(2);
    store.close();
  });

  it('refuses a comment over the per-session maximum (null, nothing stored), counting only that session', () => {
    const store = two();
    for (let k = 0; k < 3; k++) expect(store.addComment(comment('s1', k, `c${k}`), 3)).not.toBeNull();
    expect(store.addComment(comment('s1', 9, 'one too many'), 3)).toBeNull();
    expect(store.commentCount('s1')).toBe(3);
    expect(store.addComment(comment('s2', 9, 'another session has room'), 3)).not.toBeNull();
    // Room again after one goes.
    expect(store.removeComment('s1', store.comments('s1')[0]!.id)).toBe(true);
    expect(store.addComment(comment('s1', 9, 'fits now'), 3)?.text).toBe('fits now');
    store.close();
  });

  it('survives a re-analysis and a restart; goes with its session if that is ever deleted', () => {
    const file = tmpDb();
    let store = two(file);
    const a = store.addComment(comment('s1', 100, '抱臂了，先别报价', 5, '王教练'), 1000)!;
    store.transaction(() => {
      store.clearAnalysis('s1');
      store.deleteTrackerStates('s1');
    });
    store.close();
    store = new SqliteStore(file);
    expect(store.comments('s1')).toEqual([a]);
    expect(store.schemaVersion()).toBeGreaterThanOrEqual(10); // the comments migration
    const db = (store as unknown as { db: Database.Database }).db;
    db.prepare("DELETE FROM sessions WHERE id = 's1'").run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM comments').get()).toEqual({ n: 0 });
    store.close();
  });
});

describe('deleting and renaming a session', () => {
  /** A session with a row in every table keyed by session (two of each where it is cheap). */
  function fill(store: SqliteStore, id: string): void {
    store.createSession({ id, title: `title ${id}`, createdAt: 1, demo: false, participants: [{ name: 'Ann', role: 'rep' }, { name: 'Li', role: 'customer' }] });
    const turns = [0, 1].map((i) =>
      store.addUtterance({ sessionId: id, speaker: 'Li', role: 'customer', text: `how much ${i}?`, startMs: i * 1000, endMs: i * 1000 + 900, receivedAt: 10, clientTurnId: `c:${i}` }),
    );
    // A third turn a coach deleted: its number and clientTurnId stay taken (deleted_turns).
    const deleted = store.addUtterance({ sessionId: id, speaker: 'Li', role: 'customer', text: 'uh', startMs: 1500, endMs: 1600, receivedAt: 10, clientTurnId: 'c:2' });
    expect(store.deleteUtterance(id, deleted.id)).toBe(true);
    const scores = { price_inquiry: 0.9, discount_request: 0.05, purchase_intent: 0.02, resistance: 0.01, neutral: 0.02 };
    const verbal = store.addSignal({ sessionId: id, utteranceId: turns[0]!.id, participant: 'Li', kind: 'verbal', label: 'price_inquiry', score: 0.9, scores, mediaMs: 0, modelVersion: 'v1' }, turns[0]!.text);
    const frames = [100, 200].map((mediaMs) =>
      store.addFrame({ sessionId: id, participant: 'Li', mediaMs, source: 'browser', poses: [], receivedAt: 1, person: { xMin: 0.1, yMin: 0.1, width: 0.5, height: 0.8 } }),
    );
    store.addPostureSignal({
      sessionId: id, participant: 'Li', kind: 'posture', label: 'arms_crossed', score: 0.8, mediaMs: 200, startedMs: 100, endedMs: null,
      frameId: frames[1]!, features: {}, source: 'browser', modelVersion: 'p1',
    });
    const cue = store.addCue({
      sessionId: id, type: 'closing_moment', reason: 'buying_signal', mediaMs: 0, score: 0.9, technique: 'direct_request',
      evidence: [{ signalId: verbal.id, kind: 'verbal', utteranceId: turns[0]!.id, frameId: null, participant: 'Li', label: 'price_inquiry', score: 0.9, mediaMs: 0, text: 'x' }],
      title: { en: 't', zh: '题' }, tip: { en: 'tip', zh: '提示' }, modelVersion: 'v1', inputReceivedAt: 10, emittedAt: 11,
    });
    store.saveTrackerState({ sessionId: id, participant: 'Li', frameId: frames[1]!, mediaMs: 200, modelVersion: 'p1', aspect: 1, state: { v: 1 } });
    store.setCorrection({ sessionId: id, utteranceId: turns[1]!.id, label: 'purchase_intent', note: null, correctedAt: 12 });
    store.setCueReview({ sessionId: id, cueType: cue.type, mediaMs: cue.mediaMs, verdict: 'useful', note: null, reviewedAt: 13 });
    store.setPostureLabels({ sessionId: id, frameId: frames[0]!, participant: 'Li', labels: ['arms_crossed'], note: null, labelledAt: 14 });
    store.addComment({ sessionId: id, mediaMs: 500, text: 'ask for the deal here', author: 'Coach', createdAt: 15 }, 1000);
    store.noteThresholds(id, '{}');
  }

  /**
   * Rows per table of one session (`sessions` counts its row), read by SQL on the store's own
   * connection (it holds the file exclusively), past its caches.
   */
  function rowCounts(store: SqliteStore, id: string): Record<string, number> {
    const raw = (store as unknown as { db: Database.Database }).db;
    const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    const counts: Record<string, number> = {};
    for (const t of tables) {
      const cols = (raw.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
      const key = t === 'sessions' ? 'id' : cols.includes('session_id') ? 'session_id' : null;
      if (key) counts[t] = (raw.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE ${key} = ?`).get(id) as { n: number }).n;
    }
    return counts;
  }

  it('deletes the session and every row under it in every table, leaves other sessions whole, and stays deleted after a restart', () => {
    const file = tmpDb();
    let store = new SqliteStore(file);
    fill(store, 'gone');
    fill(store, 'kept');
    // Read through the store's caches first (row, participants, last turn number).
    expect(store.getSession('gone')?.participants).toHaveLength(2);
    const keptBefore = rowCounts(store, 'kept');
    // Every table keyed by session holds rows of the session, so the check below means something.
    expect(Object.entries(rowCounts(store, 'gone')).filter(([, n]) => n === 0)).toEqual([]);
    expect(Object.keys(keptBefore).sort()).toEqual(['sessions', ...SESSION_TABLES].sort());

    expect(store.deleteSession('gone')).toBe(true);
    expect(Object.values(rowCounts(store, 'gone')).every((n) => n === 0)).toBe(true);
    expect(rowCounts(store, 'kept')).toEqual(keptBefore);
    expect(store.getSession('gone')).toBeUndefined();
    expect(store.utterances('gone')).toEqual([]);
    expect(store.listSessions().map((s) => s.id)).toEqual(['kept']);
    expect(store.deleteSession('gone')).toBe(false);
    store.close();

    store = new SqliteStore(file);
    expect(store.getSession('gone')).toBeUndefined();
    expect(Object.values(rowCounts(store, 'gone')).every((n) => n === 0)).toBe(true);
    expect(rowCounts(store, 'kept')).toEqual(keptBefore);
    // The id can be made again from nothing: no remembered turn number or participants.
    store.createSession({ id: 'gone', title: 'again', createdAt: 2, demo: false, participants: [] });
    expect(store.addUtterance({ sessionId: 'gone', speaker: 'Mo', role: null, text: 'hi', startMs: 0, endMs: 0, receivedAt: 3 }).seq).toBe(1);
    expect(store.participants('gone')).toEqual([]);
    store.close();
  });

  it('forgets what it remembered of a deleted session within one run (a session made again under the id starts afresh)', () => {
    const store = new SqliteStore(':memory:');
    fill(store, 's');
    // After the deleted third turn's number: a number is never given twice.
    expect(store.addUtterance({ sessionId: 's', speaker: 'Li', role: 'customer', text: 'x', startMs: 0, endMs: 0, receivedAt: 0 }).seq).toBe(4);
    store.deleteSession('s');
    store.createSession({ id: 's', title: 'again', createdAt: 2, demo: false, participants: [] });
    expect(store.getSession('s')).toMatchObject({ title: 'again', participants: [] });
    expect(store.addUtterance({ sessionId: 's', speaker: 'Mo', role: null, text: 'hi', startMs: 0, endMs: 0, receivedAt: 3 }).seq).toBe(1);
    store.close();
  });

  it('a failed delete leaves everything (one transaction)', () => {
    const store = new SqliteStore(':memory:');
    fill(store, 's');
    expect(() =>
      store.transaction(() => {
        store.deleteSession('s');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.getSession('s')?.title).toBe('title s');
    expect(store.utterances('s')).toHaveLength(2);
    expect(store.comments('s')).toHaveLength(1);
    expect(store.postureLabels('s')).toHaveLength(1);
    store.close();
  });

  it('every table with a session_id column is one deleteSession empties', () => {
    const file = tmpDb();
    new SqliteStore(file).close();
    const raw = new Database(file, { readonly: true });
    const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
      .filter((t) => (raw.prepare(`PRAGMA table_info(${t.name})`).all() as { name: string }[]).some((c) => c.name === 'session_id'))
      .map((t) => t.name);
    raw.close();
    expect(tables.sort()).toEqual([...SESSION_TABLES].sort());
  });

  it('finds the signals of a deleted frame by an index, not by scanning every session\'s signals (migration 11)', () => {
    // Deleting a frame makes SQLite look up the signals whose frame_id refers to it (the foreign
    // key); without an index each look-up scanned every session's signals (3,000 frames beside
    // 20,000 signals: seconds). The plan is asserted rather than the time, which a loaded
    // machine would make flaky.
    const store = new SqliteStore(':memory:');
    const db = (store as unknown as { db: Database.Database }).db;
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT 1 FROM signals WHERE frame_id = ?').all(1) as { detail: string }[])
      .map((r) => r.detail).join('; ');
    expect(plan).toMatch(/USING (COVERING )?INDEX \S+ \(frame_id=\?\)/);
    store.createSession({ id: 'big', title: 't', createdAt: 1, demo: false, participants: [] });
    store.createSession({ id: 'other', title: 't', createdAt: 1, demo: false, participants: [] });
    store.transaction(() => {
      for (let i = 0; i < 300; i++) store.addFrame({ sessionId: 'big', participant: 'Li', mediaMs: i, source: 'browser', poses: [], receivedAt: 1 });
      for (let i = 0; i < 2000; i++) {
        store.addPostureSignal({ sessionId: 'other', participant: 'Li', kind: 'posture', label: 'nodding', score: 0.8, mediaMs: i, startedMs: i, endedMs: i, frameId: null, features: {}, source: 'browser', modelVersion: 'p1' });
      }
    });
    store.deleteSession('big');
    expect(store.frameCount('big')).toBe(0);
    expect(store.signals('other')).toHaveLength(2000);
    store.close();
  });

  it("renames a session: the new title is read back (also after a restart), the rest is unchanged; an unknown one is undefined", () => {
    const file = tmpDb();
    let store = new SqliteStore(file);
    fill(store, 's');
    fill(store, 't');
    expect(store.getSession('s')?.title).toBe('title s'); // cached
    expect(store.renameSession('s', 'Q3 review 复盘')).toMatchObject({ id: 's', title: 'Q3 review 复盘', createdAt: 1, demo: false, participants: [{ name: 'Ann', role: 'rep' }, { name: 'Li', role: 'customer' }] });
    expect(store.getSession('s')?.title).toBe('Q3 review 复盘');
    expect(store.listSessions().find((x) => x.id === 's')).toMatchObject({ title: 'Q3 review 复盘', utteranceCount: 2, cueCount: 1, commentCount: 1 });
    expect(store.getSession('t')?.title).toBe('title t');
    expect(store.renameSession('nope', 'x')).toBeUndefined();
    expect(store.getSession('nope')).toBeUndefined();
    store.close();
    store = new SqliteStore(file);
    expect(store.getSession('s')?.title).toBe('Q3 review 复盘');
    store.close();
  });
});
