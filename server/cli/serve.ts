// `buying-signals serve`: runs the HTTP + socket.io server until SIGINT/SIGTERM.
import path from 'node:path';
import { startServer } from '../main';
import { parseArgs, intFlag, UsageError } from './args';
import type { CliIO } from './io';
import { hostnameOf } from '../http/hosts';
import { DEFAULT_WARM_UP, MAX_WARM_UP_TURNS } from '../runtime/warmUp';

export const SERVE_USAGE = `usage: buying-signals serve [--port N] [--host H] [--allowed-host NAME,...] [--db FILE|:memory:] [--no-demo] [--warm-up N]
  --port     port to listen on (default: $PORT or 3000)
  --host     interface to bind (default 127.0.0.1: this machine only; 0.0.0.0 shares the
             server on the network, and it has no login)
  --allowed-host  names besides localhost, 127.0.0.1 and [::1] that requests may address the
             server by, comma-separated (e.g. a reverse proxy's name); requests naming others
             get 403 forbidden_host (DNS rebinding). Bound to the network without this flag,
             any name is taken
  --db       SQLite file (default data/buying-signals.db)
  --no-demo  do not store the analysed demo session at start-up
  --warm-up  turns played through a scratch copy of the server before it listens, so the
             first meeting runs on the optimised live path (default ${DEFAULT_WARM_UP.turns}, 0 to skip,
             at most ${MAX_WARM_UP_TURNS})`;

export async function runServe(args: string[], io: CliIO, env: NodeJS.ProcessEnv): Promise<number> {
  const a = parseArgs(args, { values: ['port', 'host', 'db', 'warm-up', 'allowed-host'], switches: ['no-demo', 'demo'] });
  if (a.positionals.length) throw new Error(`serve takes no arguments, got "${a.positionals.join(' ')}"\n${SERVE_USAGE}`);
  const port = intFlag(a.values.port ?? env.PORT, 'port (or $PORT)', 0, 65535) ?? 3000;
  const warmUpTurns = intFlag(a.values['warm-up'], 'warm-up', 0, MAX_WARM_UP_TURNS) ?? DEFAULT_WARM_UP.turns;
  const allowedHosts = a.values['allowed-host'] === undefined ? [] : parseHostNames(a.values['allowed-host']);
  const server = await startServer({
    port,
    allowedHosts,
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

/** `--allowed-host a.example,b.example`: plain host names (no port, no scheme), lower-cased. */
export function parseHostNames(value: string): string[] {
  const names = value.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new UsageError('--allowed-host needs at least one name, e.g. --allowed-host sales.example.com');
  for (const n of names) {
    if (hostnameOf(n) !== n.toLowerCase() || (n.includes(':') && !n.startsWith('['))) {
      throw new UsageError(`--allowed-host takes host names without a scheme or port, got "${n.slice(0, 100)}"`);
    }
  }
  return names.map((n) => n.toLowerCase());
}
