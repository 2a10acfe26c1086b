// GET /api/search's cost on a store of ~100,000 turns (100 sessions of 1,000 turns: the project's
// own training corpus, fixtures/verbal/corpus.jsonl, English and Chinese, as alternating rep and
// customer turns, with a verbal signal on most customer turns and a coach's label on some). For each query: the total time of a search (first page, 50 turns) and the
// longest synchronous step it takes (one window of turns: what a live meeting on the same server
// waits at most), median and worst of RUNS runs. Needs `npx tsc -p tsconfig.build.json` (dist/).
//   node scripts/measure-search.cjs        (SESSIONS=100 TURNS=1000 RUNS=15)
// WINDOW sets the walk's window (default SEARCH_WINDOW); COMPARE=250 also runs each query at a
// window of 250 turns, interleaved with the first, so both meet the same moment of a shared
// machine. The load average is printed: on a loaded machine the steps are mostly its scheduling.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const ROOT = process.env.ROOT || path.resolve(__dirname, '..');
const D = ROOT + '/dist/server';
const { SqliteStore } = require(D + '/store/sqliteStore.js');
const { searchTurns, SEARCH_WINDOW } = require(D + '/search/search.js');
const CONFIGS = [Number(process.env.WINDOW || SEARCH_WINDOW)];
if (process.env.COMPARE) CONFIGS.push(Number(process.env.COMPARE));

const SESSIONS = Number(process.env.SESSIONS || 100);
const TURNS = Number(process.env.TURNS || 1000);
const RUNS = Number(process.env.RUNS || 15);
const LABELS = ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'measure-search-'));
const store = new SqliteStore(path.join(dir, 'search.db'));
const corpus = fs.readFileSync(path.join(ROOT, 'fixtures/verbal/corpus.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);
const participants = [{ name: 'Rep', role: 'rep' }, { name: 'Customer', role: 'customer' }];
const t0 = performance.now();
let rnd = 7;
const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let s = 0; s < SESSIONS; s++) {
  const sessionId = `s${s}`;
  store.transaction(() => {
    store.createSession({ id: sessionId, title: `Meeting ${s}`, createdAt: 1_700_000_000_000 + s * 1000, demo: false, participants });
    for (let i = 0; i < TURNS; i++) {
      const d = { text: corpus[(s * TURNS + i) % corpus.length], speaker: participants[i % 2].name };
      const role = participants[i % 2].role;
      const u = store.addUtterance({ sessionId, speaker: d.speaker, role, text: d.text, startMs: i * 2000, endMs: i * 2000 + 1500, receivedAt: 1 });
      if (role === 'customer' && random() < 0.7) {
        const label = LABELS[Math.floor(random() * LABELS.length)];
        store.addSignal({ sessionId, utteranceId: u.id, participant: d.speaker, kind: 'verbal', label, score: 0.3 + random() * 0.7, scores: {}, mediaMs: u.startMs, modelVersion: 'v' }, d.text);
        if (random() < 0.1) store.setCorrection({ sessionId, utteranceId: u.id, label, note: null, correctedAt: 1 });
      }
    }
  });
}
const built = performance.now() - t0;

async function measure(name, params) {
  const totals = CONFIGS.map(() => []);
  const steps = CONFIGS.map(() => []);
  let found = 0;
  for (let r = 0; r < RUNS * CONFIGS.length; r++) {
    const k = r % CONFIGS.length;
    let longest = 0;
    let since = performance.now();
    const start = since;
    const answer = await searchTurns({ limit: 50, ...params }, {
      store, cueMinSignalScore: 0.5, window: CONFIGS[k],
      pause: () => {
        longest = Math.max(longest, performance.now() - since);
        return new Promise((resolve) => setImmediate(() => { since = performance.now(); resolve(); }));
      },
    });
    longest = Math.max(longest, performance.now() - since);
    totals[k].push(performance.now() - start);
    steps[k].push(longest);
    found = answer.results.length;
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (x) => x.toFixed(1);
  CONFIGS.forEach((c, k) => console.log(JSON.stringify({ query: name, window: c, found, totalMsMedian: fmt(med(totals[k])), totalMsWorst: fmt(Math.max(...totals[k])), stepMsMedian: fmt(med(steps[k])), stepMsWorst: fmt(Math.max(...steps[k])) })));
}

(async () => {
  console.log(JSON.stringify({ sessions: SESSIONS, turns: SESSIONS * TURNS, windows: CONFIGS, buildMs: Math.round(built), runs: RUNS, loadavg: os.loadavg().map((x) => x.toFixed(2)) }));
  await measure('2-char Chinese (太贵)', { q: '太贵' });
  await measure('2-char Chinese, in no turn (贵宾犬), reads every turn', { q: '贵宾犬' });
  await measure('1-char Chinese (贵)', { q: '贵' });
  await measure('English 3+ chars (too expensive)', { q: 'too expensive' });
  await measure('English, in no turn (zebra crossing), reads every turn', { q: 'zebra crossing' });
  await measure('filter only: resistance, uncertain, not labelled', { label: 'resistance', uncertain: '1', coachLabel: 'none' });
  await measure('filter only: coach label discount_request, zh', { coachLabel: 'discount_request', lang: 'zh' });
  await measure('one session, English word', { q: 'price', session: 's50' });
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
})();
