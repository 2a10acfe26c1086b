// Hostile probes of GET /api/quality on the real server (port 0, the real models): the server
// stopping while a measurement runs (its client waiting, or gone), many measurements asked at
// once, writes and deletions landing while one runs.
import wt from 'node:worker_threads';
import { loadDemoMeeting } from '../../server/demo/demo';
import type { RunningServer } from '../../server/main';
import { QUALITY_MEASUREMENTS_MAX } from '../../server/http/routes/quality';
import { api, rawRequest, startTestServer } from './harness';

/** The worker threads started by this test file and not yet exited (the measurement's bootstraps). */
const liveWorkers = new Set<wt.Worker>();
/** How many worker threads were started in all. */
let workersStarted = 0;
const OriginalWorker = wt.Worker;
(wt as { Worker: typeof wt.Worker }).Worker = class extends OriginalWorker {
  constructor(...args: ConstructorParameters<typeof wt.Worker>) {
    super(...args);
    workersStarted++;
    liveWorkers.add(this);
    this.once('exit', () => liveWorkers.delete(this));
  }
};
/** Rejections nobody handled and exceptions nobody caught while these probes ran: none. */
const processErrors: unknown[] = [];
const onProcessError = (e: unknown) => void processErrors.push(e);
process.on('unhandledRejection', onProcessError);
process.on('uncaughtException', onProcessError);
afterAll(() => {
  (wt as { Worker: typeof wt.Worker }).Worker = OriginalWorker;
  process.off('unhandledRejection', onProcessError);
  process.off('uncaughtException', onProcessError);
  expect(processErrors).toEqual([]);
});

const TEXTS = ['How much is it per seat?', 'That is too expensive for us.', "Let's sign today.", 'Nice weather today.', '能便宜点吗？', '我们再考虑一下。'];
const LABELS = ['price_inquiry', 'resistance', 'purchase_intent', 'neutral', 'discount_request', 'resistance'] as const;

/** A session of `n` customer turns, each labelled by a coach. */
async function labelled(server: RunningServer, n: number, title = 'labelled'): Promise<string> {
  const { service } = server;
  const id = service.createSession({ title, participants: [{ name: 'Rep', role: 'rep' }, { name: 'Cu', role: 'customer' }] }).id;
  await service.upload(id, Array.from({ length: n }, (_, i) => ({ speaker: 'Cu', text: `${TEXTS[i % TEXTS.length]} (${i})`, startMs: i * 1000 })), []);
  for (const [i, u] of service.snapshot(id).utterances.entries()) service.correct(id, u.id, { label: LABELS[i % LABELS.length]! }, 1_700_000_000_000 + i);
  return id;
}

/** Resolves once the running verbal model is asked to classify (a measurement is under way). */
function classifying(server: RunningServer): Promise<void> {
  const model = server.service.verbalClassifier as { classify: (...a: unknown[]) => unknown };
  const original = model.classify;
  return new Promise((resolve) => {
    model.classify = function (this: unknown, ...a: unknown[]) {
      model.classify = original;
      resolve();
      return original.apply(this, a);
    };
  });
}

/** Resolves once a worker thread has started (the measurement reached its bootstraps). */
async function workerStarted(): Promise<void> {
  while (liveWorkers.size === 0) await new Promise((r) => setTimeout(r, 2));
}

describe('GET /api/quality while the server stops', () => {
  it('a measurement under way is abandoned: its request is answered 503 shutting_down at once (not when the measurement would have ended), and no worker outlives close', async () => {
    const logs: string[] = [];
    const server = await startTestServer({ log: (m) => logs.push(m) });
    await labelled(server, 3000);
    const started = classifying(server);
    let answeredAt = 0;
    const answer = api(server.url, 'GET', '/api/quality').finally(() => (answeredAt = Date.now()));
    await started;
    const t0 = Date.now();
    await server.close();
    const r = await answer;
    // Answered at once, not when the measurement would have ended (seconds on 3,000 rows).
    expect(answeredAt - t0).toBeLessThan(1000);
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 'shutting_down' });
    expect(r.body.error.message).toMatch(/quality/);
    expect(liveWorkers.size).toBe(0);
    expect(logs.filter((l) => /internal|failed/.test(l))).toEqual([]);
  }, 60_000);

  it('its client gone, a measurement does not run on into a closed store and a disposed model: nothing is logged as an internal error', async () => {
    const logs: string[] = [];
    const server = await startTestServer({ log: (m) => logs.push(m) });
    await labelled(server, 3000);
    const started = classifying(server);
    const ac = new AbortController();
    const answer = fetch(`${server.url}/api/quality`, { signal: ac.signal }).catch((err: unknown) => err);
    await started;
    ac.abort();
    await answer;
    await server.close();
    expect(liveWorkers.size).toBe(0);
    // Whatever was still running when the store closed has had its turns to fail by now.
    await new Promise((r) => setTimeout(r, 3000));
    expect(logs.filter((l) => /internal|failed/.test(l))).toEqual([]);
    expect(liveWorkers.size).toBe(0);
  }, 60_000);

  it('stopped while the bootstraps run in their worker: the worker is stopped with it', async () => {
    const server = await startTestServer();
    await labelled(server, 3000);
    const answer = api(server.url, 'GET', '/api/quality');
    await workerStarted();
    await server.close();
    expect(liveWorkers.size).toBe(0);
    expect((await answer).status).toBe(503);
  }, 60_000);
});

describe('GET /api/quality asked many times at once', () => {
  it(`measures at most ${QUALITY_MEASUREMENTS_MAX} different questions at once (each a worker thread and the rows in memory); the others are 503 busy, saying so; the same question asked again shares the answer`, async () => {
    const server = await startTestServer();
    try {
      await labelled(server, 3000);
      let mostWorkers = 0;
      const watch = setInterval(() => (mostWorkers = Math.max(mostWorkers, liveWorkers.size)), 1);
      const answers = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => api(server.url, 'GET', `/api/quality?rows=${1000 + i}`)),
        api(server.url, 'GET', '/api/quality?rows=1000'),
      ]);
      clearInterval(watch);
      const ok = answers.filter((r) => r.status === 200);
      const busy = answers.filter((r) => r.status === 503);
      expect(ok.length + busy.length).toBe(answers.length);
      // The first ones asked, and the repeat of the first, which shares its answer.
      expect(ok.length).toBe(QUALITY_MEASUREMENTS_MAX + 1);
      expect(answers[8]).toEqual(answers[0]);
      for (const r of busy) {
        expect(r.body.error).toMatchObject({ code: 'busy' });
        expect(r.body.error.message).toMatch(new RegExp(`${QUALITY_MEASUREMENTS_MAX} model quality measurements are under way`));
      }
      expect(mostWorkers).toBeLessThanOrEqual(QUALITY_MEASUREMENTS_MAX);
      // Once they are done, another is measured.
      expect((await api(server.url, 'GET', '/api/quality?rows=7')).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('GET /api/quality whose clients are gone', () => {
  it('a measurement every asker of which has hung up is stopped (worker and all), so it holds no place of the 2 for seconds: a new question is measured, not refused busy', async () => {
    const logs: string[] = [];
    const server = await startTestServer({ log: (m) => logs.push(m) });
    try {
      await labelled(server, 3000);
      // How long one such measurement runs to its end on this machine now: the stopped ones must
      // free their places in well under that (a fixed wait failed on a loaded machine).
      const t0 = Date.now();
      expect((await api(server.url, 'GET', '/api/quality?rows=999')).status).toBe(200);
      const fullMs = Date.now() - t0;
      const gone = [1000, 1001].map(async (rows) => {
        const ac = new AbortController();
        const started = classifying(server);
        const answer = fetch(`${server.url}/api/quality?rows=${rows}`, { signal: ac.signal }).catch((err: unknown) => err);
        await started;
        ac.abort();
        return answer;
      });
      await Promise.all(gone);
      // The server notices the hang-ups on its next turns of the loop: asked again until half the
      // time a whole measurement takes, a new question is measured, not refused busy.
      const deadline = Date.now() + fullMs / 2;
      let r = await api(server.url, 'GET', '/api/quality?rows=7');
      while (r.status === 503 && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 50));
        r = await api(server.url, 'GET', '/api/quality?rows=7');
      }
      expect(r.status).toBe(200);
      expect(logs.filter((l) => /internal|failed/.test(l))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a measurement shared by two askers goes on while one of them is still waiting', async () => {
    const server = await startTestServer();
    try {
      await labelled(server, 3000);
      const ac = new AbortController();
      const started = classifying(server);
      const leaving = fetch(`${server.url}/api/quality`, { signal: ac.signal }).catch((err: unknown) => err);
      await started;
      const staying = api(server.url, 'GET', '/api/quality');
      await new Promise((r) => setTimeout(r, 50));
      ac.abort();
      await leaving;
      const r = await staying;
      expect(r.status).toBe(200);
      expect(r.body.verbal.stored).toBe(3000);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('GET /api/quality and writes landing while it measures', () => {
  it('a request made after a label is removed is not given the answer under way from before it: it is measured again, without that label', async () => {
    const server = await startTestServer();
    try {
      const id = await labelled(server, 3000);
      const first = server.service.snapshot(id).utterances[0]!;
      const started = classifying(server);
      const before = api(server.url, 'GET', '/api/quality');
      await started;
      expect((await api(server.url, 'DELETE', `/api/sessions/${id}/utterances/${first.id}/correction`)).body).toEqual({ removed: true });
      const after = await api(server.url, 'GET', '/api/quality');
      expect([(await before).status, after.status]).toEqual([200, 200]);
      expect((await before).body.verbal.stored).toBe(3000);
      expect(after.body.verbal.stored).toBe(2999);
    } finally {
      await server.close();
    }
  }, 60_000);
});

/** A session of the demo's customer with her posture frames, `labels` of them labelled by a coach, and two labelled turns. */
async function postureLabelled(server: RunningServer, labels: number): Promise<string> {
  const { service } = server;
  const { participant, aspect, frames } = loadDemoMeeting().posture!;
  const id = service.createSession({ title: 'posture', participants: [{ name: 'Rep', role: 'rep' }, { name: participant, role: 'customer' }] }).id;
  for (let i = 0; i < frames.length; i += 32) service.addLandmarksBatch(id, frames.slice(i, i + 32).map((f) => ({ participant, mediaMs: f.mediaMs, poses: f.poses, aspect })), 'browser');
  const step = Math.floor(frames.length / labels);
  for (let k = 0; k < labels; k++) service.labelPosture(id, { participant, mediaMs: frames[k * step]!.mediaMs, labels: ['leaning_forward'] }, 1_700_000_000_000);
  await service.upload(id, [{ speaker: participant, text: 'How much is it?', startMs: 1000 }, { speaker: participant, text: 'Too expensive.', startMs: 3000 }], []);
  for (const u of service.snapshot(id).utterances) service.correct(id, u.id, { label: 'price_inquiry' }, 1_700_000_000_000);
  return id;
}

describe('GET /api/quality and a session deleted while it measures', () => {
  it('every session\'s answer is of one moment: the deleted session\'s turns and frames are both in it (it was there when asked), not its labelled turns without its labelled frames', async () => {
    const server = await startTestServer();
    try {
      await labelled(server, 3000);
      const doomed = await postureLabelled(server, 5);
      const whole = server.service.correctionsForExport().length;
      const started = classifying(server);
      const answer = api(server.url, 'GET', '/api/quality');
      await started;
      expect((await api(server.url, 'DELETE', `/api/sessions/${doomed}`)).body).toEqual({ deleted: true });
      const r = await answer;
      expect(r.status).toBe(200);
      expect([r.body.verbal.stored, r.body.posture.rows]).toEqual([whole, 5]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a role change (the labelled customer made a rep) and a re-analysis while it measures: the answer is the store as asked, turns and frames alike; asked after, neither is measured', async () => {
    const server = await startTestServer();
    try {
      await labelled(server, 3000);
      const id = await postureLabelled(server, 5);
      const whole = server.service.correctionsForExport().length;
      const started = classifying(server);
      const answer = api(server.url, 'GET', '/api/quality');
      await started;
      const { participant } = loadDemoMeeting().posture!;
      expect((await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { [participant]: 'rep' } })).status).toBe(200);
      expect((await api(server.url, 'POST', `/api/sessions/${id}/reanalyse`)).status).toBe(200);
      const r = await answer;
      expect(r.status).toBe(200);
      expect([r.body.verbal.stored, r.body.posture.rows]).toEqual([whole, 5]);
      const after = await api(server.url, 'GET', '/api/quality');
      expect([after.body.verbal.stored, after.body.posture.rows]).toEqual([whole - 2, 0]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('one session\'s answer, the session deleted while it measures, is its figures as asked, not a 404 or a 500', async () => {
    const server = await startTestServer();
    try {
      await labelled(server, 3000);
      const doomed = await postureLabelled(server, 5);
      const started = classifying(server);
      const answer = api(server.url, 'GET', `/api/quality?session=${doomed}`);
      await started;
      expect((await api(server.url, 'DELETE', `/api/sessions/${doomed}`)).body).toEqual({ deleted: true });
      const r = await answer;
      expect(r.status).toBe(200);
      expect([r.body.session, r.body.verbal.stored, r.body.posture.rows]).toEqual([doomed, 2, 5]);
      // Asked after the deletion: the session is unknown.
      expect((await api(server.url, 'GET', `/api/quality?session=${doomed}`)).status).toBe(404);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('GET /api/quality on odd labels', () => {
  it('turns at the 2,000-character limit in both languages and mixed, and labels left on turns whose speaker is now a rep (not exported, so not measured)', async () => {
    const server = await startTestServer();
    try {
      const { service } = server;
      const id = service.createSession({ title: 'odd', participants: [{ name: 'Rep', role: 'rep' }, { name: 'Cu', role: 'customer' }, { name: 'Later', role: 'customer' }] }).id;
      const texts = ['How much? '.repeat(200), '多少钱？'.repeat(500), `${'price 多少钱 discount 便宜点 '.repeat(80)}`.slice(0, 2000), 'x', '😀'.repeat(1000)];
      await service.upload(id, [
        ...texts.map((text, i) => ({ speaker: 'Cu', text, startMs: i * 1000 })),
        { speaker: 'Later', text: 'Can you do better on the price?', startMs: 10_000 },
      ], []);
      for (const u of service.snapshot(id).utterances) service.correct(id, u.id, { label: 'price_inquiry' }, 1_700_000_000_000);
      const r = await api(server.url, 'GET', `/api/quality?session=${id}`);
      expect(r.status).toBe(200);
      expect([r.body.verbal.stored, r.body.verbal.rows]).toEqual([6, 6]);
      expect(r.body.verbal.subsets[0]).toMatchObject({ name: 'all', n: 6 });
      // Made a rep: the label stays stored but is not the customers', so neither exported nor measured.
      expect((await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Later: 'rep' } })).status).toBe(200);
      const after = await api(server.url, 'GET', `/api/quality?session=${id}`);
      expect(after.status).toBe(200);
      expect([after.body.verbal.stored, after.body.verbal.rows]).toEqual([5, 5]);
      // Every customer a rep: nothing to measure, said as for an empty store.
      expect((await api(server.url, 'PUT', `/api/sessions/${id}/roles`, { roles: { Cu: 'rep' } })).status).toBe(200);
      const none = await api(server.url, 'GET', `/api/quality?session=${id}`);
      expect(none.status).toBe(200);
      expect(none.body.verbal).toMatchObject({ stored: 0, rows: 0, subsets: [], versusStored: null, whatIf: null });
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('GET /api/quality behind the guards', () => {
  it('needs the access token (401 naming it) and a host name the server answers to (403), measuring nothing for a refused request', async () => {
    const TOKEN = 'quality-token-0123456789abcdef';
    const server = await startTestServer({ auth: { token: TOKEN } });
    try {
      const started = workersStarted;
      const noToken = await rawRequest(server, 'GET', '/api/quality?rows=5', { host: `127.0.0.1:${server.port}` });
      expect(noToken.status).toBe(401);
      expect(JSON.parse(noToken.body).error).toMatchObject({ code: 'unauthorized' });
      const badHost = await rawRequest(server, 'GET', '/api/quality', { host: 'evil.example', authorization: `Bearer ${TOKEN}` });
      expect(badHost.status).toBe(403);
      expect(JSON.parse(badHost.body).error).toMatchObject({ code: 'forbidden_host' });
      expect(workersStarted).toBe(started);
      const ok = await rawRequest(server, 'GET', '/api/quality', { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${TOKEN}` });
      expect(ok.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
