// Measures the posture timeline's redraw in headless Chromium (/usr/bin/chromium) on a
// synthetic 3-hour live session: 2,000 posture signals, 1,500 word markers, 300 cues, at the
// default live zoom (the last ten minutes, following the end). client/view/posture.ts is
// bundled on its own with esbuild (no server), so the figures are the timeline's alone.
// Prints the median and worst of: a full redraw (render()), a new word arriving
// (addSignal), a clock tick (setClock), and a scroll step; plus the elements drawn.
// Usage: node scripts/measure-timeline.mjs [runs=30]
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? 30);

const entry = `
import { PostureTimeline } from './client/view/posture';
const HOURS = 3, END = HOURS * 3_600_000;
const LABELS = ['leaning_forward', 'nodding', 'open_palms', 'arms_crossed', 'leaning_back', 'legs_crossed', 'sitting_far'];
const WORDS = ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance'];
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const signals = [];
for (let i = 0; i < 2000; i++) {
  const startedMs = Math.round((i / 2000) * END + rnd() * 3000);
  const len = 2000 + Math.round(rnd() * 15000);
  signals.push({ id: i + 1, sessionId: 's', kind: 'posture', participant: i % 3 === 0 ? 'Rep' : 'Customer', label: LABELS[Math.floor(rnd() * LABELS.length)],
    score: 0.5 + rnd() / 2, startedMs, mediaMs: startedMs + 1500, endedMs: startedMs + len, frameId: null, features: {}, source: 'browser', modelVersion: 'm' });
}
const words = [];
for (let i = 0; i < 1500; i++) {
  const mediaMs = Math.round(rnd() * END); // at random: some alone, some in groups
  words.push({ id: 10_000 + i, sessionId: 's', kind: 'verbal', utteranceId: i + 1, participant: 'Customer', label: WORDS[Math.floor(rnd() * WORDS.length)],
    score: 0.4 + rnd() * 0.6, scores: {}, mediaMs, text: 't', modelVersion: 'm' });
}
const cues = [];
for (let i = 0; i < 300; i++) {
  const w = words[i * 5];
  cues.push({ id: i + 1, sessionId: 's', type: i % 3 ? 'closing_moment' : 'resistance', reason: 'buying_signal', mediaMs: w.mediaMs, score: 0.8,
    evidence: [{ signalId: w.id, kind: 'verbal', utteranceId: w.utteranceId }], technique: 'direct_request', title: { en: 'x', zh: 'x' }, tip: { en: 'x', zh: 'x' },
    modelVersion: 'm', inputReceivedAt: 0, emittedAt: 0 });
}
const root = document.getElementById('track');
const tl = new PostureTimeline(root, document.getElementById('count'), () => {}, document.getElementById('zoom'));
const scroller = () => root.querySelector('[data-testid="timeline-scroll"]');
// Timed with the style and layout the change forces (read back at once), not the paint.
const time = (f) => { const t0 = performance.now(); f(); void root.getBoundingClientRect(); void root.querySelector('svg')?.getBBox(); return performance.now() - t0; };
const stats = (xs) => { const s = [...xs].sort((a, b) => a - b); return { median: s[Math.floor(s.length / 2)], max: s[s.length - 1] }; };
window.measure = (runs) => {
  const fresh = [];
  for (let i = 0; i < runs; i++) fresh.push(time(() => tl.reset({ signals: [...signals, ...words], cues, latestMs: END, durationMs: null, live: true })));
  const full = [], add = [], tick = [], scroll = [];
  let id = 50_000, now = END - 60_000;
  for (let i = 0; i < runs; i++) {
    full.push(time(() => tl.render()));
    const w = { ...words[words.length - 1], id: id++, utteranceId: id, mediaMs: END - 30_000 + i * 100 };
    add.push(time(() => tl.addSignal(w)));
    now += 40;
    tick.push(time(() => tl.setClock(now)));
  }
  tl.setClock(null);
  const el = scroller();
  for (let i = 0; i < runs; i++) {
    // A scroll step back of a third of a viewport, then the redraw it causes (a frame later with rAF; forced here).
    el.scrollLeft = Math.max(0, el.scrollLeft - el.clientWidth / 3);
    scroll.push(time(() => { el.dispatchEvent(new Event('scroll')); tl.flushScroll?.(); }));
  }
  const svg = root.querySelector('[data-testid="posture-timeline"]');
  return {
    zoom: svg.getAttribute('data-zoom'),
    width: svg.getAttribute('width'),
    drawn: { bars: root.querySelectorAll('[data-testid="posture-bar"]').length, words: root.querySelectorAll('.tl-word').length, wordGroups: root.querySelectorAll('.tl-word.tl-group-badge').length,
      cues: root.querySelectorAll('.tl-cue').length, ticks: root.querySelectorAll('.tl-tick').length },
    reset: stats(fresh), render: stats(full), addSignal: stats(add), clockTick: stats(tick), scroll: stats(scroll),
  };
};
`;
const bundle = await build({
  stdin: { contents: entry, resolveDir: root, loader: 'ts' },
  bundle: true,
  write: false,
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});
const css = await readFile(join(root, 'client', 'styles.css'), 'utf8');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.setContent(`<!doctype html><html lang="en"><head><style>${css}</style></head><body>
    <div id="zoom"></div><span id="count"></span><div id="track" style="width: 1200px"></div></body></html>`);
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  await page.evaluate((n) => window.measure(n), 5); // warm up (JIT)
  const r = await page.evaluate((n) => window.measure(n), RUNS);
  const f = (s) => `median ${s.median.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;
  console.log(
    `3 h live session, 2,000 postures + 1,500 words + 300 cues, zoom ${r.zoom} ms across the view, chart ${r.width} px wide`,
  );
  console.log(`drawn after the scroll steps: ${JSON.stringify(r.drawn)}`);
  console.log(`a session shown (reset):     ${f(r.reset)}`);
  console.log(`full redraw (render):        ${f(r.render)}`);
  console.log(`a new word (addSignal):      ${f(r.addSignal)}`);
  console.log(`a clock tick (setClock):     ${f(r.clockTick)}`);
  console.log(`a scroll step (+its redraw): ${f(r.scroll)}`);
} finally {
  await browser.close();
}
