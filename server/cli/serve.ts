// `buying-signals serve`: runs the HTTP + socket.io server until SIGINT/SIGTERM.
import path from 'node:path';
import { startServer } from '../main';
import { parseArgs, intFlag } from './args';
import type { CliIO } from './io';

export const SERVE_USAGE = `usage: buying-signals serve [--port N] [--host H] [--db FILE|:memory:] [--no-demo]
  --port     port to listen on (default: $PORT or 3000)
  --host     interface to bind (default 0.0.0.0)
  --db       SQLite file (default data/buying-signals.db)
  --no-demo  do not store the analysed demo session at start-up`;

export async function runServe(args: string[], io: CliIO, env: NodeJS.ProcessEnv): Promise<number> {
  const a = parseArgs(args, { values: ['port', 'host', 'db'], switches: ['no-demo', 'demo'] });
  if (a.positionals.length) throw new Error(`serve takes no arguments, got "${a.positionals.join(' ')}"\n${SERVE_USAGE}`);
  const port = intFlag(a.values.port ?? env.PORT, 'port (or $PORT)', 0, 65535) ?? 3000;
  const server = await startServer({
    port,
    ...(a.values.host ? { host: a.values.host } : {}),
    ...(a.values.db ? { dbPath: a.values.db === ':memory:' ? ':memory:' : path.resolve(a.values.db) } : {}),
    seedDemo: !a.switches.has('no-demo'),
    log: io.out,
  });
  io.out(`open ${server.url} and press "play" on the demo meeting`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
