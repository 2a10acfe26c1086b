// `buying-signals serve`: runs the HTTP + socket.io server until SIGINT/SIGTERM.
import path from 'node:path';
import { startServer, type ServerOptions } from '../main';
import fs from 'node:fs';
import { parseArgs, intFlag, parseThresholds, requireFile, UsageError } from './args';
import { DEFAULT_PIPELINE_OPTIONS } from '../pipeline/sessionPipeline';
import { tokenProblem } from '../http/auth';
import type { CliIO } from './io';
import { hostnameOf } from '../http/hosts';
import { DEFAULT_WARM_UP, MAX_WARM_UP_TURNS } from '../runtime/warmUp';
import { DEFAULT_POSE_MODEL, POSE_MODELS } from '../signals/pose/constants';
import type { PoseModelName } from '../signals/pose';
import { DEFAULT_MODEL_DIR, resolveFlagPath } from './train';
import { DEFAULT_POSTURE_DIR } from './posture';
import { adviseOtherKind } from '../signals/modelFolder';

/** The model library's default folder (`--models-dir`), relative to the project. */
export const DEFAULT_MODELS_DIR = 'data/models';

export const SERVE_USAGE = `usage: buying-signals serve [--port N] [--host H] [--allowed-host NAME,...] [--token-file FILE | --no-token]
                          [--db FILE|:memory:] [--no-demo] [--warm-up N] [--model DIR] [--models-dir DIR] [--posture-model DIR]
                          [--pose-model ${POSE_MODELS.join('|')}] [--pose-workers N] [--thresholds T]
  --port     port to listen on (default: $PORT or 3000)
  --host     interface to bind (default 127.0.0.1: this machine only; 0.0.0.0 shares the
             server on the network, with an access token)
  --token-file  a file holding the access token every request must then carry (16-256 of
             A-Z a-z 0-9 . _ ~ -; also $BUYING_SIGNALS_TOKEN). Without it, a server bound to the
             network makes a new one at each start and prints the address to open with it;
             one on 127.0.0.1 asks for none
  --no-token serve without an access token, even on the network
  --allowed-host  names besides localhost, 127.0.0.1 and [::1] that requests may address the
             server by, comma-separated (e.g. a reverse proxy's name); requests naming others
             get 403 forbidden_host (DNS rebinding). Bound to the network without this flag,
             any name is taken
  --db       SQLite file, in a folder that exists (default data/buying-signals.db), or :memory:
  --no-demo  do not store the analysed demo session at start-up
  --warm-up  turns played through a scratch copy of the server before it listens, so the
             first meeting runs on the optimised live path (default ${DEFAULT_WARM_UP.turns}, 0 to skip,
             at most ${MAX_WARM_UP_TURNS})
  --model    the verbal model folder (default ${DEFAULT_MODEL_DIR}; one \`train verbal --out DIR\` wrote); it wins
             over the model an analyst chose in the Model quality view (kept in the store)
  --models-dir  the model library (default ${DEFAULT_MODELS_DIR}, whatever --db is): the Model quality view
             can run any model folder under its verbal/ folder (PUT /api/settings/posture: its posture/ folder), and models trained from the browser
             (Model quality → Train a model on these labels) are written to DIR/verbal/<version>/
  --posture-model  the posture model folder (default ${DEFAULT_POSTURE_DIR}; one \`train posture --out DIR\` wrote); it wins
             over the posture model an analyst chose (PUT /api/settings/posture, kept in the store)
  --pose-model  the server's pose estimator for video frames and photos (default ${DEFAULT_POSE_MODEL}; lite is
             faster, movenet-lightning fastest but has no hand points)
  --pose-workers  pose worker threads (default: one per core)
  --thresholds  least score a customer's predicted signal needs, else the turn gives no signal:
             one number for every signal label (0.5) or per label (resistance=0.6,purchase_intent=0.4);
             default none (the most probable label counts), or those an analyst chose (kept in the store;
             the flag wins). Pick them with \`eval verbal --sweep\` on one file and check them with
             \`eval verbal --thresholds\` on another; /api/health shows them`;

/**
 * The server's options from `serve`'s arguments (and $PORT, $BUYING_SIGNALS_TOKEN), every flag
 * checked before anything starts; a bad one is a UsageError naming it.
 */
export function serveOptions(args: string[], env: NodeJS.ProcessEnv): Omit<Partial<ServerOptions>, 'log'> {
  const a = parseArgs(args, {
    values: ['port', 'host', 'db', 'warm-up', 'allowed-host', 'token-file', 'model', 'models-dir', 'posture-model', 'pose-model', 'pose-workers', 'thresholds'],
    switches: ['no-demo', 'demo', 'no-token'],
  });
  if (a.positionals.length) throw new UsageError(`serve takes no arguments, got "${a.positionals.join(' ')}"\n${SERVE_USAGE}`);
  const port = portFrom(a.values.port, env);
  const dbPath = dbPathFrom(a.values.db);
  const warmUpTurns = intFlag(a.values['warm-up'], 'warm-up', 0, MAX_WARM_UP_TURNS) ?? DEFAULT_WARM_UP.turns;
  const allowedHosts = a.values['allowed-host'] === undefined ? [] : parseHostNames(a.values['allowed-host']);
  const auth = authFrom(a.values['token-file'], a.switches.has('no-token'), env);
  const thresholds = a.values.thresholds === undefined ? undefined : parseThresholds(a.values.thresholds);
  const modelsDir = a.values['models-dir'] === undefined ? undefined : modelsDirFrom(a.values['models-dir']);
  return {
    ...(modelsDir !== undefined ? { modelsDir } : {}),
    verbalFlags: { model: a.values.model !== undefined, thresholds: thresholds !== undefined },
    postureFlag: a.values['posture-model'] !== undefined,
    ...modelOptions(a.values),
    port,
    allowedHosts,
    auth,
    warmUp: { ...DEFAULT_WARM_UP, turns: warmUpTurns },
    ...(a.values.host ? { host: a.values.host } : {}),
    ...(dbPath !== undefined ? { dbPath } : {}),
    seedDemo: !a.switches.has('no-demo'),
    ...(thresholds !== undefined ? { pipeline: { ...DEFAULT_PIPELINE_OPTIONS, signalThresholds: thresholds } } : {}),
  };
}

export async function runServe(args: string[], io: CliIO, env: NodeJS.ProcessEnv): Promise<number> {
  const options = serveOptions(args, env);
  // A model folder of the other kind was given to the wrong flag: say which flag takes it.
  const server = await startServer({ ...options, log: io.out }).catch((e: unknown) => {
    throw adviseOtherKind(e, { posture: 'a posture model goes to --posture-model', verbal: 'a verbal model goes to --model' });
  });
  // With a token, the address carries it once: the page then keeps it in a cookie.
  io.out(`open ${server.url}${server.token !== undefined ? `/?token=${server.token}` : ''} and press "play" on the demo meeting`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

/** The models `serve` runs: `--model`, `--posture-model` (folders), `--pose-model`, `--pose-workers`; unset ones keep the defaults. */
export function modelOptions(values: Record<string, string | undefined>): Partial<Pick<ServerOptions, 'modelDir' | 'postureModelDir' | 'poseModel' | 'poseWorkers'>> {
  const poseModel = values['pose-model'];
  if (poseModel !== undefined && !(POSE_MODELS as readonly string[]).includes(poseModel)) {
    throw new UsageError(`--pose-model must be one of ${POSE_MODELS.join(', ')}, got "${poseModel}"`);
  }
  const poseWorkers = intFlag(values['pose-workers'], 'pose-workers', 1, 64);
  return {
    ...(values.model !== undefined ? { modelDir: resolveFlagPath(values.model, DEFAULT_MODEL_DIR) } : {}),
    ...(values['posture-model'] !== undefined ? { postureModelDir: resolveFlagPath(values['posture-model'], DEFAULT_POSTURE_DIR) } : {}),
    ...(poseModel !== undefined ? { poseModel: poseModel as PoseModelName } : {}),
    ...(poseWorkers !== undefined ? { poseWorkers } : {}),
  };
}

/**
 * `--models-dir DIR` resolved. It need not exist yet (no model trained into it: the library is
 * empty), but it must not be a file.
 */
export function modelsDirFrom(value: string): string {
  if (value.trim() === '') throw new UsageError(`--models-dir needs a folder, got "${value}"`);
  const dir = path.resolve(value);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    return dir;
  }
  if (!stat.isDirectory()) throw new UsageError(`--models-dir ${value}: ${dir} is a file, not a folder`);
  return dir;
}

/**
 * `--port`, else `$PORT`, else 3000. An empty (or blank) `$PORT` is not set, as shells and
 * process managers leave it (`PORT= npm start`); an empty `--port=` is still refused, and
 * neither is ever read as 0 (any free port).
 */
export function portFrom(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  const fromEnv = env.PORT !== undefined && env.PORT.trim() !== '' ? env.PORT : undefined;
  return intFlag(flag ?? fromEnv, 'port (or $PORT)', 0, 65535) ?? 3000;
}

/**
 * `--db FILE` resolved, `:memory:` as is, undefined for the default store (whose `data/` folder
 * the store creates). The folder of a file given must exist: the store would create it, so a
 * typo in the path started an empty new store with no hint.
 */
export function dbPathFrom(value: string | undefined): string | undefined {
  // An empty one (`--db "$DB"` with $DB unset) opened the default store without a word.
  if (value !== undefined && value.trim() === '') throw new UsageError(`--db needs a file (or :memory:), got "${value}"`);
  if (value === undefined || value === ':memory:') return value;
  const file = path.resolve(value);
  const dir = path.dirname(file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`--db ${value}: the folder ${dir} does not exist; create it first, or use --db :memory:`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--db ${value}: the folder ${dir} is not a folder`);
  return file;
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

/** The server's access token setting from `--token-file`, `--no-token` and $BUYING_SIGNALS_TOKEN. */
export function authFrom(tokenFile: string | undefined, noToken: boolean, env: NodeJS.ProcessEnv): ServerOptions['auth'] {
  const fromEnv = env.BUYING_SIGNALS_TOKEN;
  if (noToken && (tokenFile !== undefined || fromEnv)) throw new UsageError('--no-token cannot be used with --token-file or $BUYING_SIGNALS_TOKEN');
  if (noToken) return 'none';
  let token: string;
  let source: string;
  if (tokenFile !== undefined) {
    requireFile(tokenFile);
    token = fs.readFileSync(tokenFile, 'utf8').trim();
    source = `--token-file ${tokenFile}`;
  } else if (fromEnv !== undefined && fromEnv !== '') {
    token = fromEnv.trim();
    source = '$BUYING_SIGNALS_TOKEN';
  } else {
    return 'auto';
  }
  const bad = tokenProblem(token);
  if (bad) throw new UsageError(`${source}: ${bad}`);
  return { token };
}
