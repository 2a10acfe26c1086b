// Shared by the browser tests: Debian's headless Chromium through playwright-core, the real
// server in-process, and the page helpers both suites use.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer, type ServerOptions } from '../../server/main';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = path.join(__dirname, '..', '..');
export const CLIENT_INDEX = path.join(ROOT, 'dist', 'client', 'index.html');

/** Fails with the command that fixes it when Chromium or the built client is missing. */
export function requireBrowserAndClient(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: the browser tests need Debian's chromium. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (as root), then run `npm run test:e2e` again.',
    );
  }
  if (!fs.existsSync(CLIENT_INDEX)) throw new Error(`The client is not built (${CLIENT_INDEX} is missing): run \`npm run build\` first.`);
}

/** launch() gives every run a fresh temporary user data dir. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      // No GPU: WebGL is SwiftShader; tasks-vision runs on its wasm CPU path.
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}

/**
 * A fresh context at `viewport` (a desktop window by default) on the client, once it is
 * connected. `echoes` collects the socket.io frames carrying `reanalysed` the page receives.
 */
export async function openPage(
  browser: Browser,
  server: RunningServer,
  waitMs: number,
  viewport: { width?: number; height?: number } = {},
): Promise<{ page: Page; pageErrors: string[]; echoes: string[] }> {
  const context = await browser.newContext({ viewport: { width: viewport.width ?? 1280, height: viewport.height ?? 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const echoes: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('websocket', (ws) => ws.on('framereceived', (f) => void (typeof f.payload === 'string' && f.payload.includes('"reanalysed"') && echoes.push(f.payload))));
  await page.goto(server.url);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: waitMs });
  return { page, pageErrors, echoes };
}

/** Plays the demo at `speed` from the picker and waits until `turns` of its utterances are shown. */
export async function playDemo(page: Page, speed: string, turns: number, waitMs: number): Promise<void> {
  await page.getByTestId('session-select').selectOption(':demo');
  await page.getByTestId('speed').selectOption(speed);
  await page.getByTestId('play').click();
  await page.getByTestId('utterance').nth(turns - 1).waitFor({ timeout: waitMs });
}

/** The media clock's m:ss as ms (whole seconds, rounded down as it shows them). */
export async function clockMs(page: Page): Promise<number> {
  const [m, s] = ((await page.getByTestId('clock').textContent()) ?? '').split(':').map(Number);
  return ((m ?? 0) * 60 + (s ?? 0)) * 1000;
}

export async function getJson<T>(server: RunningServer, urlPath: string): Promise<T> {
  const res = await fetch(server.url + urlPath);
  if (!res.ok) throw new Error(`GET ${urlPath}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The real server and Chromium of a browser suite, set once its beforeAll has run. */
export interface BrowserSuite {
  readonly server: RunningServer;
  readonly browser: Browser;
}

/**
 * Starts the real server (port 0, in-memory store) and Chromium before a suite's tests and
 * closes both after them. Read `server` and `browser` inside the tests.
 */
export function useServerAndBrowser(options: Partial<ServerOptions> = {}): BrowserSuite {
  const suite = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    requireBrowserAndClient();
    suite.server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', modelsDir: path.join(os.tmpdir(), `bs-e2e-models-${process.pid}`), log: () => {}, ...options });
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/** A coach's page on one stored session, and what the tests watch on it. */
export interface WatchedPage {
  page: Page;
  pageErrors: string[];
  /** The socket.io frames carrying `event` the page received. */
  echoes: string[];
  /** The page's reads of the session (`GET /api/sessions/:id`). */
  reads: string[];
}

/**
 * A fresh desktop context (English, downloads accepted) showing stored session `sessionId`,
 * once `ready` (a locator's selector) is on the page; collects `event`'s socket frames and the
 * session's reads, as the coach suites (labels, cue reviews, posture labels) check both.
 */
export async function openWatchedSession(
  suite: BrowserSuite,
  opts: { sessionId: string; event: string; ready: string; waitMs: number },
): Promise<WatchedPage> {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  const watched: WatchedPage = { page, pageErrors: [], echoes: [], reads: [] };
  const marker = `"${opts.event}"`;
  page.on('pageerror', (err) => watched.pageErrors.push(err.message));
  page.on('websocket', (ws) => ws.on('framereceived', (f) => void (typeof f.payload === 'string' && f.payload.includes(marker) && watched.echoes.push(f.payload))));
  page.on('request', (r) => {
    if (r.method() === 'GET' && new URL(r.url()).pathname === `/api/sessions/${opts.sessionId}`) watched.reads.push(r.url());
  });
  await page.goto(suite.server.url);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: opts.waitMs });
  await page.getByTestId('session-select').selectOption(opts.sessionId);
  await page.locator(opts.ready).waitFor({ timeout: opts.waitMs });
  return watched;
}

/**
 * A socket.io connection refused the way a network that is down refuses it, in a route that
 * stands in for the network (`page.routeWebSocket`): the engine.io handshake succeeds, then the
 * connection closes at once. (A socket closed before the handshake would wait out socket.io's
 * 20 s connect timeout.)
 */
export function refuseSocket(ws: { send(message: string): void; close(): unknown }): void {
  ws.send('0{"sid":"refused","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
  void ws.close();
}

/** A network the test cuts and restores, standing in for the page's socket.io connection (droppableSocket). */
export interface DroppableSocket {
  /** Whether the network is down: socket.io's requests and new connections are refused. */
  down: boolean;
  /** Cuts the connection of the moment; reconnecting fails until `down` is set false again. */
  drop(): void;
  /** Sends a message to the server on the connection of the moment (one a hook held back). */
  toServer(msg: string | Buffer): void;
}

/** What passes: `forward(msg)` sends it on; a hook that does not call it drops (or holds) the message. */
export type SocketHook = (msg: string | Buffer, forward: (msg: string | Buffer) => void) => void;

/**
 * Stands in for the network between the page and the server's socket.io (`page.route` and
 * `page.routeWebSocket`): while `down`, socket.io's requests are aborted and a new connection is
 * refused (refuseSocket); `drop()` cuts the connection of the moment. `toServer` / `toPage` see
 * each message on its way (to record, drop or hold it); without them everything passes. Install
 * it before the page loads (or reload the page after).
 */
export async function droppableSocket(page: Page, hooks: { toServer?: SocketHook; toPage?: SocketHook } = {}): Promise<DroppableSocket> {
  let upstreamOfNow: { send(msg: string | Buffer): void } | null = null;
  let cut = (): void => undefined;
  const net: DroppableSocket = {
    down: false,
    drop: () => {
      net.down = true;
      cut();
    },
    toServer: (msg) => upstreamOfNow?.send(msg),
  };
  await page.route(/\/socket\.io\//, (route) => (net.down ? route.abort() : route.continue()));
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (net.down) return refuseSocket(ws);
    const upstream = ws.connectToServer();
    upstreamOfNow = upstream;
    cut = () => {
      void ws.close();
      void upstream.close();
    };
    const toServer = (msg: string | Buffer): void => upstream.send(msg);
    const toPage = (msg: string | Buffer): void => ws.send(msg);
    ws.onMessage((msg) => (hooks.toServer ? hooks.toServer(msg, toServer) : toServer(msg)));
    upstream.onMessage((msg) => (hooks.toPage ? hooks.toPage(msg, toPage) : toPage(msg)));
  });
  return net;
}
