// The browser client under a long meeting, in Debian's headless Chromium (as the browser tests
// run it) against the real server, started in this process with a store in memory:
// - how long a stored session of N turns takes to open: from choosing it in the session list to
//   a frame drawn with all its turns in the page;
// - the page's main-thread time per turn while a session it watches grows live (Chromium's own
//   TaskDuration, LayoutDuration and RecalcStyleDuration counters), early and late in the meeting.
// Turns come as fast as the server acknowledges them (plus 5 ms), far faster than people speak:
// the figure is the page's cost per turn, not a latency.
import fs from 'node:fs';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { io as connect } from 'socket.io-client';
import { startServer, type RunningServer } from '../server/main';
import { projectPath } from '../server/paths';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

type Report = (f: { name: string; value: number; unit: string; [k: string]: unknown }) => void;

/** Stored sessions opened, by their number of turns; each opened OPENS times (the median counts). */
const STORED_TURNS = [1000, 5000];
const OPENS = 3;
/** A watched live session: turns sent, and the windows of turns whose page cost is reported. */
const LIVE_TURNS = 2000;
const LIVE_WINDOWS: [number, number][] = [
  [0, 500],
  [1500, 2000],
];
const LIVE_GAP_MS = 5;

/** The project's own words: a rep and a customer, two languages, signals and cues among them. */
const SAY = [
  'We can include onboarding for the whole team.',
  'How much is it per seat?',
  '这款产品期限三年，风险等级R2。',
  '能便宜点吗？',
  'The annual plan comes with support.',
  "Okay, let's sign today.",
  '我们再考虑一下。',
  'I am not sure, it seems expensive.',
];

function turn(i: number): { speaker: string; text: string; startMs: number; endMs: number } {
  return { speaker: i % 2 ? 'Customer' : 'Rep', text: `${SAY[i % SAY.length]} (${i})`, startMs: i * 3000, endMs: i * 3000 + 2500 };
}

const PARTICIPANTS = [
  { name: 'Rep', role: 'rep' },
  { name: 'Customer', role: 'customer' },
];

/** Why the part cannot run here, or null. */
export function clientBenchMissing(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (!fs.existsSync(projectPath('dist', 'client', 'index.html'))) return 'the client is not built (npm run build)';
  return null;
}

async function post(url: string, body: unknown): Promise<{ session: { id: string } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { session: { id: string } };
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function openPage(browser: Browser, url: string): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: 30_000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return { page, cdp };
}

/** Resolves once the page shows `n` turns. */
function rowsShown(page: Page, n: number, timeout: number): Promise<unknown> {
  return page.waitForFunction((want) => document.querySelectorAll('[data-testid="utterance"]').length === want, n, { timeout, polling: 20 });
}

async function openStored(browser: Browser, server: RunningServer, report: Report): Promise<void> {
  for (const n of STORED_TURNS) {
    const { session } = await post(`${server.url}/api/transcripts`, { title: `bench ${n}`, participants: PARTICIPANTS, utterances: Array.from({ length: n }, (_, i) => turn(i)) });
    const runs: { ms: number; layoutMs: number; styleMs: number; taskMs: number }[] = [];
    for (let k = 0; k < OPENS; k++) {
      const { page, cdp } = await openPage(browser, server.url);
      const m0 = await metrics(cdp);
      const t0 = performance.now();
      await page.getByTestId('session-select').selectOption(session.id);
      await rowsShown(page, n, 120_000);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      const ms = performance.now() - t0;
      const m1 = await metrics(cdp);
      runs.push({
        ms,
        taskMs: (m1.TaskDuration! - m0.TaskDuration!) * 1000,
        layoutMs: (m1.LayoutDuration! - m0.LayoutDuration!) * 1000,
        styleMs: (m1.RecalcStyleDuration! - m0.RecalcStyleDuration!) * 1000,
      });
      await page.close();
    }
    const mid = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
    report({
      name: 'client_open_stored_session',
      value: Math.round(mid.ms),
      unit: 'ms (median of opens: session chosen → a frame drawn with every turn)',
      turns: n,
      opens: runs.map((r) => Math.round(r.ms)),
      pageTaskMs: Math.round(mid.taskMs),
      layoutMs: Math.round(mid.layoutMs),
      styleMs: Math.round(mid.styleMs),
    });
  }
}

async function watchLive(browser: Browser, server: RunningServer, report: Report): Promise<void> {
  const { session } = await post(`${server.url}/api/sessions`, { title: 'bench live', participants: PARTICIPANTS });
  const { page, cdp } = await openPage(browser, server.url);
  await page.getByTestId('session-select').selectOption(session.id);
  await page.waitForTimeout(500);
  const socket = connect(server.url, { transports: ['websocket'] });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await new Promise<void>((resolve, reject) =>
      socket.emit('join', { sessionId: session.id }, (ack: { ok?: boolean; error?: unknown }) => (ack?.ok === false ? reject(new Error(`join: ${JSON.stringify(ack.error)}`)) : resolve())),
    );
    let start: Record<string, number> | null = null;
    for (let i = 0; i < LIVE_TURNS; i++) {
      const w = LIVE_WINDOWS.find(([from]) => from === i);
      if (w) {
        await rowsShown(page, i, 60_000);
        start = await metrics(cdp);
      }
      await new Promise((resolve) => socket.emit('utterance', { sessionId: session.id, utterance: turn(i) }, resolve));
      await new Promise((r) => setTimeout(r, LIVE_GAP_MS));
      const end = LIVE_WINDOWS.find(([, to]) => to === i + 1);
      if (end && start) {
        await rowsShown(page, i + 1, 60_000);
        const m = await metrics(cdp);
        const per = (k: string) => Math.round(((m[k]! - start![k]!) * 1000 * 100) / (end[1] - end[0])) / 100;
        report({
          name: 'client_live_turn_page_time',
          value: per('TaskDuration'),
          unit: 'ms of the page main thread per turn (a watched live session)',
          turns: `${end[0]}-${end[1]}`,
          layoutMs: per('LayoutDuration'),
          styleMs: per('RecalcStyleDuration'),
          scriptMs: per('ScriptDuration'),
          gapMs: LIVE_GAP_MS,
        });
        start = null;
      }
    }
  } finally {
    socket.close();
    await page.close();
  }
}

/** Runs the client part; says why and reports nothing when Chromium or the built client is missing. */
export async function benchClient(report: Report, log: (msg: string) => void = console.error): Promise<boolean> {
  const missing = clientBenchMissing();
  if (missing) {
    log(`bench client: skipped: ${missing}`);
    return false;
  }
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', log: () => {} });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    await openStored(browser, server, report);
    await watchLive(browser, server, report);
  } finally {
    await browser.close();
    await server.close();
  }
  return true;
}
