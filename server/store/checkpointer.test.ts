// The WAL checkpointer's worker: stopped when asked, and a worker that ends unasked (here: its
// file cannot be opened) is reported, so the store takes SQLite's usual automatic checkpoint back
// instead of the ~100 MiB fallback that would copy a whole WAL inside one live turn's commit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { FALLBACK_AUTOCHECKPOINT_PAGES, SQLITE_AUTOCHECKPOINT_PAGES, startCheckpointer } from './checkpointer';
import { SqliteStore } from './sqliteStore';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bs-checkpointer-'));
const autocheckpoint = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db.pragma('wal_autocheckpoint', { simple: true });

describe('startCheckpointer', () => {
  it('says nothing of a worker stopped when asked', async () => {
    const file = path.join(tmpDir(), 'a.db');
    const store = new SqliteStore(file);
    const lost = jest.fn();
    const c = startCheckpointer(file, { everyMs: 20, onLost: lost })!;
    await new Promise((r) => setTimeout(r, 100));
    await c.stop();
    expect(lost).not.toHaveBeenCalled();
    store.close();
  });

  it('reports a worker that ends unasked, with why', async () => {
    const lost = new Promise<Error>((resolve) => startCheckpointer(path.join(tmpDir(), 'missing', 'x.db'), { onLost: resolve }));
    expect((await lost).message).toMatch(/unable to open|does not exist|directory/i);
  });
});

describe('SqliteStore.checkpointAside', () => {
  it('keeps the large fallback while the worker runs, and takes SQLite\'s usual checkpoint back (and logs it) when the worker is lost', async () => {
    const store = new SqliteStore(path.join(tmpDir(), 'b.db'));
    const running = store.checkpointAside()!;
    expect(autocheckpoint(store)).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    await running.stop();

    const logged = new Promise<string>((resolve) => {
      // A worker that cannot open its file ends at once, as a crashed one would.
      store.checkpointAside({ log: resolve, start: (_file, o) => startCheckpointer(path.join(tmpDir(), 'gone', 'x.db'), o) });
    });
    expect(await logged).toMatch(/^warning: WAL checkpoints run in the store's commits again \(/);
    expect(autocheckpoint(store)).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
    store.close();
  });
});
