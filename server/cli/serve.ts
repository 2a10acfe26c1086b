// `buying-signals serve`: runs the HTTP + socket.io server until SIGINT/SIGTERM.
import path from 'node:path';
import { startServer } from '../main';
import { parseArgs, intFlag } from './args';
import type { CliIO } from './io';
import { DEFAULT_WARM_UP, MAX_WARM_UP_TURNS } from '../runtime/warmUp';

export const SERVE_USAGE = `usage: buying-signals serve [--port N] [--host H] [--db FILE|:memory:] [--no-demo] [--warm-up N]
  --port     port to listen on (default: $PORT or 3000)
  --host     interface to bind (default 127.0.0.1: this machine only; 0.0.0.0 shares the
             server on the network, and it has no login)
  --db       SQLite file (default data/buying-signals.db)
  --no-demo  do not store the analysed demo session at start-up
  --warm-up  turns played through a scratch copy of the server before it listens, so the
             first meeting runs on the optimised live path (default ${DEFAULT_WARM_UP.turns}, 0 to skip,
             at most ${MAX_WARM_UP_TURNS})`;

export async function runServe(args: string[], io: CliIO, env: NodeJS.ProcessEnv): Promise<number> {
  const a = parseArgs(args, { values: ['port', 'host', 'db', 'warm-up'], switches: ['no-demo', 'demo'] });
  if (a.positionals.length) throw new Error(`serve takes no arguments, got "${a.positionals.join(' ')}"\n${SERVE_USAGE}`);
  const port = intFlag(a.values.port ?? env.PORT, 'port (or $PORT)', 0, 65535) ?? 3000;
  const warmUpTurns = intFlag(a.values['warm-up'], 'warm-up', 0, MAX_WARM_UP_TURNS) ?? DEFAULT_WARM_UP.turns;
  const server = await startServer({
    port,
    warmUp: { ...DEFAULT_WARM_UP, turns: warmUpTurns },
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
