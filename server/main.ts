// Wires the service together: tfjs backend, verbal model, SQLite store, express, socket.io.
// Config is read by the caller (the CLI) and passed in; nothing here reads process.env.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTf, type BackendName } from './runtime/backend';
import { describeThresholds } from './signals/verbal/decision';
import { SqliteStore } from './store/sqliteStore';
import { SessionService } from './pipeline/sessionService';
import type { PipelineOptions } from './pipeline/sessionPipeline';
import { answerClientErrors } from './http/clientError';
import { createApp } from './http/app';
import { QualityMeasurements } from './http/routes/quality';
import { attachRealtime } from './realtime/socketServer';
import type { LobbyCountsOptions } from './realtime/lobbyCounts';
import { loadDemoMeeting, seedDemoSession } from './demo/demo';
import { projectPath } from './paths';
import { PosePool, type PoseModelName } from './signals/pose';
import { FrameService } from './frames/frameService';
import { warmUp, type WarmUpOptions } from './runtime/warmUp';
import { hostCheck, isLoopback } from './http/hosts';
import { trackConnections } from './http/connections';
import { newToken, tokenProblem } from './http/auth';
import { TrainJobs } from './training/trainJobs';
import { PostureTrainJobs } from './training/postureJobs';
import { TrainingSlot } from './training/jobHost';
import type { PostureTrainOptions } from './signals/posture/train';
import { removeStaleTemps } from './training/modelLibrary';
import { TRAIN_EVENT } from '../protocol/training';
import { POSTURE_TRAIN_EVENT } from '../protocol/postureModels';
import { DEFAULT_PIPELINE_OPTIONS } from './pipeline/sessionPipeline';
import { VerbalRuntime } from './models/verbalRuntime';
import { startupChoice, VerbalSettings } from './models/verbalSettings';
import { PostureRuntime } from './models/postureRuntime';
import { postureStartupChoice, PostureSettings } from './models/postureSettings';
import { POSTURE_SETTINGS_EVENT } from '../protocol/postureModels';
import { shownPath } from './paths';

export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /**
   * Names besides localhost, 127.0.0.1 and [::1] that requests may address the server by (a
   * reverse proxy's name). Bound to loopback, other names are refused (DNS rebinding); bound to
   * the network, any name is taken unless this lists some.
   */
  allowedHosts: string[];
  /**
   * Access token (http/auth.ts): 'auto' makes a new one at each start when the server is bound
   * to the network and none on loopback; 'none' never asks for one; or the token itself.
   */
  auth: 'auto' | 'none' | { token: string };
  /** SQLite file, or ':memory:'. */
  dbPath: string;
  /** The base verbal model's folder (`serve --model`, default models/verbal): library id "base". */
  modelDir: string;
  /**
   * The model library (`serve --models-dir`, default data/models): its `verbal/` folder's models
   * can be run (PUT /api/settings/verbal), and models trained from the browser (POST
   * /api/models/verbal/train) go to `<modelsDir>/verbal/<version>/`.
   */
  modelsDir: string;
  /**
   * Which verbal settings a `serve` flag gave (`--model`, `--thresholds`): a flag wins over the
   * choice stored by PUT /api/settings/verbal; a setting no flag gave takes the stored choice.
   */
  verbalFlags?: { model: boolean; thresholds: boolean };
  /** The base posture model's folder (`serve --posture-model`, default models/posture): library id "base"; `<modelsDir>/posture/` holds the library's. */
  postureModelDir: string;
  /** `serve --posture-model` was given: it wins over the posture model chosen by PUT /api/settings/posture. */
  postureFlag?: boolean;
  poseModelDir: string;
  /** Server-side pose estimator for video frames (started on the first frame). */
  poseModel: PoseModelName;
  /** Pose worker threads (default: one per core). */
  poseWorkers?: number;
  /** Frames waiting per participant before the oldest are dropped. */
  frameQueueCapacity: number;
  clientDir: string;
  /**
   * Training jobs' corpus and most epochs per member (defaults: fixtures/verbal/corpus.jsonl,
   * DEFAULT_TRAIN_OPTIONS.epochs), and posture jobs' recipe (default
   * DEFAULT_POSTURE_TRAIN_OPTIONS); a test's smaller corpus, fewer epochs, a tiny recipe. Never
   * from a request.
   */
  training?: { corpusPath?: string; epochs?: number; progressIntervalMs?: number; postureRecipe?: Partial<Omit<PostureTrainOptions, 'seed'>> };
  /** Store the analysed demo session at start-up (id "demo"). */
  seedDemo: boolean;
  backend?: BackendName;
  /**
   * Turns played through a throw-away copy of the server before it listens, so the first real
   * meeting does not run while V8 is still optimising the live path (`runtime/warmUp.ts`).
   * `turns: 0` (the default here; the CLI's `serve` warms up) skips it.
   */
  warmUp: WarmUpOptions;
  /** Signal thresholds, cue engine settings and tracker state saving (DEFAULT_PIPELINE_OPTIONS). */
  pipeline?: PipelineOptions;
  /**
   * How often at most the lobby hears a session's counts (`session_counts`; default every
   * 1,000 ms), and the clock and timers that time it (a test's, so it need not sleep).
   */
  lobbyCounts?: Partial<LobbyCountsOptions>;
  log: (msg: string) => void;
  now: () => number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  port: 3000,
  // This machine only: the server has no login, and sessions hold customers' words.
  host: '127.0.0.1',
  allowedHosts: [],
  auth: 'auto',
  dbPath: projectPath('data', 'buying-signals.db'),
  modelDir: projectPath('models', 'verbal'),
  modelsDir: projectPath('data', 'models'),
  postureModelDir: projectPath('models', 'posture'),
  poseModelDir: projectPath('models', 'pose'),
  poseModel: 'blazepose-full',
  frameQueueCapacity: 4,
  clientDir: projectPath('dist', 'client'),
  seedDemo: true,
  warmUp: { turns: 0, sessions: 1 },
  log: (msg) => console.log(msg),
  now: Date.now,
};

export interface RunningServer {
  url: string;
  port: number;
  /** The access token requests need, when there is one. */
  token?: string;
  service: SessionService;
  /** The running verbal model and thresholds, and their switch. */
  verbalSettings: VerbalSettings;
  /** The running posture model, and its switch. */
  postureSettings: PostureSettings;
  /** GET /api/quality's and /api/quality/compare's measurements under way (tests hold their places). */
  quality: QualityMeasurements;
  close(): Promise<void>;
}

export async function startServer(opts: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const o = { ...DEFAULT_SERVER_OPTIONS, ...opts };
  const token = o.auth === 'none' ? undefined : o.auth === 'auto' ? (isLoopback(o.host) ? undefined : newToken()) : o.auth.token;
  const bad = token === undefined ? null : tokenProblem(token);
  if (bad) throw new RangeError(bad);
  // The model library checked (a file there is refused now, before anything is opened) and
  // cleared of the unfinished folders of jobs a stopped server left; TrainJobs finds none after.
  const stale = removeStaleTemps(o.modelsDir);
  if (stale.length > 0) o.log(`removed ${stale.length} unfinished training folder${stale.length === 1 ? '' : 's'} from ${o.modelsDir}: ${stale.join(', ')}`);
  const backend = await initTf(o.backend);
  const store = new SqliteStore(o.dbPath);
  // The flags' model and thresholds, else those an analyst chose (stored), else the defaults.
  const places = { baseDir: o.modelDir, modelsDir: o.modelsDir };
  let choice;
  try {
    choice = startupChoice({ store, places, flags: o.verbalFlags ?? { model: false, thresholds: false }, thresholds: (o.pipeline ?? DEFAULT_PIPELINE_OPTIONS).signalThresholds });
  } catch (e) {
    store.close();
    throw e;
  }
  for (const note of choice.notes) o.log(note);
  const classifier = choice.classifier;
  const verbal = new VerbalRuntime({ classifier, id: choice.id, dir: choice.dir, thresholds: choice.thresholds });
  // The same for the posture model: `--posture-model` given, else the stored choice, else the base folder.
  const posturePlaces = { baseDir: o.postureModelDir, modelsDir: o.modelsDir };
  let postureChoice;
  try {
    postureChoice = postureStartupChoice({ store, places: posturePlaces, flagGiven: o.postureFlag ?? false });
  } catch (e) {
    store.close();
    classifier.dispose();
    throw e;
  }
  for (const note of postureChoice.notes) o.log(note);
  const posture = postureChoice.classifier;
  const postureRuntime = new PostureRuntime({ classifier: posture, id: postureChoice.id, dir: postureChoice.dir });
  // WAL checkpoints on a worker thread: SQLite's own ran inside a live turn's commit.
  const checkpointer = store.checkpointAside({ log: o.log });
  const demo = loadDemoMeeting();
  // The port is taken first, so a port in use fails at once; until the server is ready (the
  // warm-up below) requests get 503 `starting` instead of a refused connection.
  const server = http.createServer(answerStarting);
  const connections = trackConnections(server);
  answerClientErrors(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => resolve());
    });
  } catch (err) {
    await checkpointer?.stop();
    store.close();
    classifier.dispose();
    posture.dispose();
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`port ${o.port} on ${o.host} is in use (another buying-signals server?): stop that one, or choose another with --port (or $PORT)`);
    }
    // These said only "getaddrinfo ENOTFOUND x" or "listen EADDRNOTAVAIL", naming no flag.
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EADDRNOTAVAIL') {
      throw new Error(
        `--host ${o.host}: ${code === 'EADDRNOTAVAIL' ? 'this machine has no such address' : 'the name does not resolve to an address'} (${code}); ` +
          "bind to one of this machine's addresses: 127.0.0.1 (this machine only), 0.0.0.0 (the network) or a network card's own address",
      );
    }
    if (code === 'EACCES') {
      throw new Error(`port ${o.port} on ${o.host}: not allowed (ports below 1024 need privileges); choose another with --port (or $PORT)`);
    }
    throw err;
  }
  if (o.warmUp.turns > 0) {
    // Only an optimisation: a warm-up that fails or runs long leaves a working server, said so.
    try {
      const w = await warmUp({ classifier, posture, demo, now: o.now }, { ...o.warmUp, signal: AbortSignal.timeout(WARM_UP_TIMEOUT_MS) });
      o.log(
        w.stopped
          ? `warm-up stopped after ${w.turns} turns and ${w.frames} landmark frames: it took longer than ${WARM_UP_TIMEOUT_MS / 1000} s`
          : `warmed up the live path with ${w.turns} turns and ${w.frames} landmark frames in ${(w.ms / 1000).toFixed(1)} s`,
      );
    } catch (err) {
      o.log(`warning: the start-up warm-up failed, so the first meeting runs on a cold live path: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const service = new SessionService({ store, verbal, postureRuntime, now: o.now, ...(o.pipeline ? { options: o.pipeline } : {}) });
  const verbalSettings = new VerbalSettings({ store, runtime: verbal, places, sources: choice.sources, now: o.now, log: o.log });
  const postureSettings = new PostureSettings({ store, runtime: postureRuntime, places: posturePlaces, source: postureChoice.source, now: o.now, log: o.log });
  const frames = new FrameService(
    service,
    () => PosePool.start({ estimator: { model: o.poseModel, modelDir: o.poseModelDir }, ...(o.poseWorkers ? { workers: o.poseWorkers } : {}), ...(o.backend ? { backend: o.backend } : {}) }),
    { queueCapacity: o.frameQueueCapacity, log: o.log },
  );
  if (o.seedDemo) seedDemoSession(service, demo);

  const hosts = hostCheck(o.host, o.allowedHosts);
  const modelDirs = { verbal: o.modelDir, posture: o.postureModelDir };
  const quality = new QualityMeasurements({ service, posture: postureRuntime, modelDirs });
  // One training job at a time, verbal or posture: a job takes the core the live path does not.
  const slot = new TrainingSlot();
  const training = new TrainJobs({
    service,
    slot,
    modelsDir: o.modelsDir,
    corpusPath: o.training?.corpusPath ?? projectPath('fixtures', 'verbal', 'corpus.jsonl'),
    ...(o.training?.epochs !== undefined ? { epochs: o.training.epochs } : {}),
    ...(o.training?.progressIntervalMs !== undefined ? { progressIntervalMs: o.training.progressIntervalMs } : {}),
    backend: backend.name,
    now: o.now,
    log: o.log,
  });
  const postureTraining = new PostureTrainJobs({
    service,
    slot,
    modelsDir: o.modelsDir,
    ...(o.training?.postureRecipe !== undefined ? { recipe: o.training.postureRecipe } : {}),
    ...(o.training?.progressIntervalMs !== undefined ? { progressIntervalMs: o.training.progressIntervalMs } : {}),
    backend: backend.name,
    now: o.now,
    log: o.log,
  });
  const app = createApp({ service, frames, backend: backend.name, poseModel: o.poseModel, posture: postureRuntime, demo, clientDir: o.clientDir, modelDirs, quality, training, postureTraining, verbalSettings, postureSettings, hosts, ...(token ? { token } : {}), log: o.log });
  server.removeListener('request', answerStarting);
  server.on('request', app);
  const realtime = attachRealtime(server, service, frames, { hosts, ...(token ? { token } : {}), ...(o.lobbyCounts ? { lobbyCounts: o.lobbyCounts } : {}), verbalSettings, log: o.log });
  // Every connected client hears the training job's state, whatever session (or none) it shows.
  training.onChange((job) => realtime.io.emit(TRAIN_EVENT, job));
  postureTraining.onChange((job) => realtime.io.emit(POSTURE_TRAIN_EVENT, job));
  // And every switch of the running posture model (started, done, failed).
  postureSettings.onChange((state) => realtime.io.emit(POSTURE_SETTINGS_EVENT, state));
  const port = (server.address() as AddressInfo).port;
  // An IPv6 address goes in brackets in a URL.
  const shownHost = o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${shownHost}:${port}`;
  if (!isLoopback(o.host) && token === undefined) {
    o.log(`note: bound to ${o.host} without an access token, so anyone who can reach this machine on port ${port} can read and change every session`);
  }
  const held = describeThresholds(service.signalThresholds);
  const from = (s: string) => (s === 'stored' ? ', the stored choice' : s === 'flag' ? ', from the flag' : '');
  o.log(
    `buying-signals listening on ${url} (tfjs backend: ${backend.name}; verbal model: ${classifier.version}${choice.id !== 'base' ? ` (${shownPath(choice.dir)})` : ''}${from(choice.sources.model)}${held ? `; signal thresholds: ${held}${from(choice.sources.thresholds)}` : ''}; posture model: ${posture.version}${postureChoice.id !== 'base' ? ` (${shownPath(postureChoice.dir)})` : ''}${from(postureChoice.source)}; store: ${o.dbPath})`,
  );

  let closed = false;
  return {
    url,
    port,
    ...(token !== undefined ? { token } : {}),
    service,
    verbalSettings,
    postureSettings,
    quality,
    async close() {
      if (closed) return;
      closed = true;
      // Role changes under way are abandoned (nothing of them is stored; PUT /roles answers
      // shutting_down). Turns already taken are stored and acked before the sockets close;
      // later input is refused.
      verbalSettings.close();
      postureSettings.close();
      await service.close();
      // A model quality measurement under way is abandoned (503 shutting_down, its worker
      // thread terminated): it reads the store and runs the models closed below.
      await quality.close();
      // A training job under way is cancelled: its worker terminated, its temp folder removed.
      await training.close();
      await postureTraining.close();
      // The HTTP server closes once every connection has ended: those that carry nothing (a
      // browser's spare ones) are dropped then, and any left after a grace period cut.
      let cancelCut = () => {};
      await realtime.close(() => (cancelCut = connections.hangUp()));
      await frames.close();
      if (server.listening) {
        cancelCut();
        cancelCut = connections.hangUp();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      cancelCut();
      await checkpointer?.stop();
      store.close();
      verbal.dispose();
      postureRuntime.dispose();
    },
  };
}

/** How long the start-up warm-up may run before the server starts serving without the rest of it. */
export const WARM_UP_TIMEOUT_MS = 60_000;

/** What a request gets while the server is starting (the port is bound, the warm-up runs). */
function answerStarting(req: http.IncomingMessage, res: http.ServerResponse): void {
  const message = 'the server is starting (warming up its live path); try again in a few seconds';
  // A person opening the page gets a page that reloads itself; tools get the API's JSON error.
  if (!req.url?.startsWith('/api/') && /text\/html/.test(req.headers.accept ?? '')) {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '2', 'cache-control': 'no-store' });
    res.end(`<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Buying Signals</title><p>Buying Signals is starting… / 成交信号正在启动…</p>`);
    return;
  }
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
  res.end(JSON.stringify({ error: { code: 'starting', message } }));
}
