// Starting a second server where one already runs fails at once with a message saying what
// is taken and what to do: the same port, or the same database file on another port.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer } from './harness';

it('refuses a port in use and a database file in use, naming them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-startup-'));
  const dbPath = path.join(dir, 'db.sqlite');
  const first = await startTestServer({ dbPath });
  try {
    await expect(startTestServer({ port: first.port })).rejects.toThrow(
      `port ${first.port} on 127.0.0.1 is in use (another buying-signals server?): stop that one, or choose another with --port (or $PORT)`,
    );
    await expect(startTestServer({ dbPath })).rejects.toThrow(`${dbPath} is in use by another process`);
  } finally {
    await first.close();
  }
  // Free again once the first one stopped.
  const again = await startTestServer({ dbPath, port: first.port });
  await again.close();
  fs.rmSync(dir, { recursive: true, force: true });
}, 20_000);
