#!/usr/bin/env node
// The analyst's loop, measured end to end on the project's own probe sets standing in for
// coaches' labels (fixtures/verbal/probes/*.jsonl: our own writing, never in the corpus): each
// probe row stored as a meeting turn (the rep's turn before it as its context) and labelled
// through the API, a training job on the corpus plus those labels with a hold-out, then
// GET /api/quality/compare of the new model against the running one on the held-out turns.
// Prints the job's rows and time, and the comparison per subset (macro-F1 of each, B − A with
// its paired interval, rows fixed and broken), and how long the comparison took. The labels
// stay in a scratch store and model library. Needs `npm run build` first. Heavy (one core for
// a minute or two): run it alone.
//
//   node scripts/measure-compare.cjs [--seed N] [--hold-out P] [--probes bank,polarity,spoken,mixed]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { startServer } = require(path.join(root, 'dist', 'server', 'main.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};

async function main() {
  const seed = Number(arg('--seed', '7'));
  const holdOut = Number(arg('--hold-out', '20'));
  const probes = arg('--probes', 'bank,polarity,spoken,mixed').split(',');
  const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-measure-compare-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: ':memory:', seedDemo: false, modelsDir, log: () => {} });
  const api = async (method, p, body, raw) => {
    const res = await fetch(server.url + p, { method, headers: { 'content-type': raw ? 'text/plain' : 'application/json' }, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    return { status: res.status, body: await res.json() };
  };
  try {
    let labelled = 0;
    for (const probe of probes) {
      const rows = fs.readFileSync(path.join(root, 'fixtures', 'verbal', 'probes', `${probe}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      // Only customer turns are labelled (coaches label customer turns); a rep row is context only.
      const customer = rows.filter((r) => (r.role ?? 'customer') === 'customer');
      const id = (await api('POST', '/api/sessions', { title: `probe ${probe}`, participants: [{ name: 'Rep', role: 'rep' }, { name: 'Customer', role: 'customer' }] })).body.session.id;
      const utterances = [];
      const want = [];
      for (const r of customer) {
        if (r.context !== undefined) utterances.push({ speaker: 'Rep', text: r.context, startMs: utterances.length * 1000 });
        utterances.push({ speaker: 'Customer', text: r.text, startMs: utterances.length * 1000 });
        want.push(r.label);
      }
      const up = await api('POST', `/api/sessions/${id}/transcript?format=json`, undefined, JSON.stringify({ utterances }));
      if (up.status !== 201) throw new Error(`upload of ${probe}: ${up.status} ${JSON.stringify(up.body)}`);
      const stored = (await api('GET', `/api/sessions/${id}`)).body.utterances.filter((u) => u.speaker === 'Customer');
      for (const [k, u] of stored.entries()) {
        const put = await api('PUT', `/api/sessions/${id}/utterances/${u.id}/correction`, { label: want[k] });
        if (put.status !== 200) throw new Error(`label: ${put.status} ${JSON.stringify(put.body)}`);
      }
      labelled += stored.length;
    }
    console.error(`${labelled} customer turns labelled from ${probes.join(', ')}`);
    const started = await api('POST', '/api/models/verbal/train', { seed, holdOut });
    if (started.status !== 202) throw new Error(`not started: ${JSON.stringify(started.body)}`);
    let job;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      job = (await api('GET', '/api/models/verbal/train')).body.job;
      if (!['queued', 'running'].includes(job.state)) break;
    }
    if (job.state !== 'done') throw new Error(`job ${job.state}: ${job.error}`);
    const lib = (await api('GET', '/api/models/verbal')).body.models.find((m) => m.version === job.result.version);
    const t0 = performance.now();
    const cmp = await api('GET', `/api/quality/compare?model=${encodeURIComponent(lib.id)}`);
    const wallMs = performance.now() - t0;
    if (cmp.status !== 200) throw new Error(`compare: ${cmp.status} ${JSON.stringify(cmp.body)}`);
    const c = cmp.body;
    const f = (x) => (x * 100).toFixed(1);
    const subsets = c.subsets.map((s) => ({
      name: s.name, n: s.n, a: f(s.macroF1.a), b: f(s.macroF1.b), difference: f(s.macroF1.difference),
      interval: `${f(s.macroF1.interval.low)} to ${f(s.macroF1.interval.high)}`, excludesZero: s.macroF1.excludesZero, rows: s.rows,
    }));
    console.log(JSON.stringify({
      probes, labelled, seed, holdOut,
      job: { rows: job.rows, elapsedS: Math.round(job.elapsedMs / 1000), version: job.result.version, validationMacroF1: job.result.validation.macroF1 },
      compare: { a: c.a, b: c.b, stored: c.stored, rows: c.rows, serverMs: c.ms, wallMs: Math.round(wallMs), changedTotal: c.changedTotal, subsets },
      cpus: os.cpus().length, loadavg: os.loadavg(),
    }, null, 2));
  } finally {
    await server.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
