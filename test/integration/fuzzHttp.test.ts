// Seeded fuzz of the HTTP boundary on the real server (port 0, real SQLite, real model): mutated
// transcripts, JSON bodies, landmarks, renames and deletions of sessions, coach corrections, transcript edits, cue reviews, posture labels, comments (and the review report), session archives, model quality queries, the model comparisons (verbal and posture), the running verbal and posture models, verbal and posture training jobs, searches and images. Whatever comes in, the answer is 2xx or 4xx
// (never 5xx), a 4xx names what was wrong (field, line or limit), a refused request stores
// nothing, and the server answers afterwards. A failure names its seed and case (fuzzKit.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { QualitySchema } from '../../protocol/quality';
import { SearchAnswerSchema } from '../../protocol/search';
import { TrainJobAnswerSchema, TrainJobSchema } from '../../protocol/training';
import { writeTinyCorpus } from '../../server/training/tinyCorpus.testkit';
import { searchForm } from '../../server/search/searchText';
import { api, readAnswer } from './harness';
import { FUZZ_LIBRARY_VERSION, useFuzzServer } from './fuzzServer';
import { MODEL_REF_MAX_CHARS, VerbalLibrarySchema, VerbalSettingsSchema } from '../../protocol/models';
import { POSTURE_EXTRA_WEIGHT_DEFAULT, POSTURE_TRAIN_SEED_DEFAULT, PostureLibrarySchema, PostureSettingsSchema, PostureTrainJobAnswerSchema, PostureTrainJobSchema } from '../../protocol/postureModels';
import { HOLD_OUT_DEFAULT_PERCENT, PostureComparisonSchema, VerbalComparisonSchema } from '../../protocol/compare';
import { addPostureLibraryModel } from '../../server/models/library.testkit';
import { postureLibraryDir } from '../../server/models/postureLibrary';
import { labelledFrames, TINY_POSTURE_RECIPE } from './labelledFrames';
import { deepJsonText, int, mutateBytes, mutateJson, pick, preview, RAW_ZOD_WORDING, runCases, weirdNumber, weirdValue, type Rng } from './fuzzKit';

const FIXTURES = path.join(__dirname, '../../fixtures/transcripts');
const FILES = ['meeting.vtt', 'meeting.srt', 'meeting.json', 'meeting.txt', 'meeting-gbk.txt'].map((f) => fs.readFileSync(path.join(FIXTURES, f)));
const MEETING_JSON = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'meeting.json'), 'utf8')) as unknown;

/** Transcript errors about the file as a whole: no line or field to name. */
const WHOLE_FILE_CODES = new Set(['empty', 'binary', 'encoding', 'bad_format', 'no_utterances']);
const namesPlace = (e: any): boolean =>
  WHOLE_FILE_CODES.has(e.code) || e.field !== undefined || e.line !== undefined || e.limit !== undefined;

// Training jobs train on a 200-row corpus for one epoch (posture: the tiny recipe), into a temp
// model library holding a copy of the committed posture model to switch to.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-fuzz-http-'));
const modelsDir = path.join(work, 'models');
const FUZZ_POSTURE_VERSION = 'posture-20261201-f0f0f0f0';
addPostureLibraryModel(modelsDir, 'copy', FUZZ_POSTURE_VERSION);
const server = useFuzzServer({ modelsDir, training: { corpusPath: writeTinyCorpus(work), epochs: 1, postureRecipe: TINY_POSTURE_RECIPE } });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const { processErrors, internalLogs, newSession } = server;
afterEach(() => {
  expect(processErrors).toEqual([]);
  expect(internalLogs).toEqual([]);
});

type Answer = Awaited<ReturnType<typeof api>>;

/** Raw POST/PUT with any content type. */
async function send(method: string, p: string, body: Buffer | string | undefined, contentType?: string): Promise<Answer> {
  const res = await fetch(server.url + p, {
    method,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? null : typeof body === 'string' ? body : new Uint8Array(body),
  });
  return readAnswer(res);
}

/** The invariants of any answer to a client's input: 2xx, or a 4xx that says what was wrong. */
function expectClean(r: Answer, opts: { named?: (e: any) => boolean } = {}): void {
  if (r.status < 200 || r.status >= 500) throw new Error(`answered ${r.status}: ${preview(r.body)}`);
  if (r.status < 400) return;
  const e = r.body?.error;
  if (typeof e?.code !== 'string' || typeof e?.message !== 'string' || e.message.length === 0) throw new Error(`4xx without a code and message: ${preview(r.body)}`);
  if (e.message.includes('internal') || /Cannot read|is not a function|Maximum call stack|is not iterable/.test(e.message)) throw new Error(`4xx with an internal-looking message: ${e.message}`);
  if (RAW_ZOD_WORDING.test(e.message)) throw new Error(`4xx in zod's own wording: ${e.message}`);
  const named = opts.named ?? ((x: any) => x.field !== undefined || x.line !== undefined || x.limit !== undefined);
  if (!named(e)) throw new Error(`4xx names no field, line or limit: ${preview(e)}`);
}

/**
 * A coach write (label, verdict, posture labels, comment) as the fuzz sends it: JSON under one of
 * the content types a client might use, its answer clean, its status noted.
 */
async function sendCoachWrite(rand: Rng, note: (line: string) => void, statuses: Set<number>, method: string, p: string, text: string | undefined): Promise<Answer> {
  note(`${method} ${p} ${preview(text)}`);
  const r = await send(method, p, text, text === undefined ? undefined : pick(rand, ['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain']));
  expectClean(r, { named: (e) => e.field !== undefined });
  statuses.add(r.status);
  return r;
}

/**
 * What a coach write left stored: an accepted PUT or POST holds what it answered and changed
 * nothing else (items told apart by `key`), a DELETE that removed one holds one less, and a
 * refusal changed nothing.
 */
function expectStoredAsAnswered<T>(before: readonly T[], after: readonly T[], method: string, r: Answer, answered: (body: any) => T, key: (x: T) => unknown): void {
  if ((method === 'PUT' && r.status === 200) || (method === 'POST' && r.status === 201)) {
    const got = answered(r.body);
    expect(after).toContainEqual(got);
    expect(after.filter((x) => key(x) !== key(got))).toEqual(before.filter((x) => key(x) !== key(got)));
  } else if (method === 'DELETE' && r.status === 200 && r.body.removed === true) {
    expect(after).toHaveLength(before.length - 1);
  } else {
    expect(after).toEqual(before);
  }
}

/** Half the time, cancels a training job still queued or running at `route`; it may have ended between the two questions. */
async function cancelSometimes(rand: Rng, now: { id: string; state: string } | null, route: string): Promise<void> {
  if (!now || (now.state !== 'queued' && now.state !== 'running') || rand() >= 0.5) return;
  const c = await api(server.url, 'DELETE', route);
  if (c.status === 200) expect(c.body.job).toMatchObject({ id: now.id, state: 'cancelled' });
  else expect(c.body.error).toMatchObject({ code: 'not_running', field: 'job' });
}

/** Lets a training job running end (at most 60 s): then its library holds no temp folder. */
async function jobsSettled(read: () => Promise<{ state: string } | null>): Promise<void> {
  for (let t0 = Date.now(); Date.now() - t0 < 60_000; await new Promise((res) => setTimeout(res, 100))) {
    const j = await read();
    if (!j || (j.state !== 'queued' && j.state !== 'running')) return;
  }
}

async function utteranceCount(id: string): Promise<number> {
  const r = await api(server.url, 'GET', `/api/sessions/${id}`);
  expect(r.status).toBe(200);
  return (r.body.utterances as unknown[]).length;
}

async function sessionCount(): Promise<number> {
  return ((await api(server.url, 'GET', '/api/sessions')).body.sessions as unknown[]).length;
}

function uploadQuery(rand: Rng): string {
  const r = rand();
  if (r < 0.7) return '';
  if (r < 0.8) return `?format=${pick(rand, ['vtt', 'srt', 'json', 'text'])}`;
  if (r < 0.92) return `?filename=${encodeURIComponent(pick(rand, ['a.vtt', 'a.srt', 'a.json', 'a.txt', 'a', '.json', 'x'.repeat(300)]))}`;
  return `?${pick(rand, ['format=doc', 'format=vtt&format=srt', 'title=', `title=${'t'.repeat(201)}`, 'title=%F0%9F', 'filename[a]=b', 'title=%00'])}`;
}

/** A transcript body: a mutated fixture, a JSON file with wrong types, or random bytes. */
function transcriptBody(rand: Rng): Buffer {
  const r = rand();
  if (r < 0.55) return mutateBytes(pick(rand, FILES), rand);
  if (r < 0.85) return Buffer.from(JSON.stringify(mutateJson(MEETING_JSON, rand)) ?? 'null');
  if (r < 0.9) return Buffer.from(pick(rand, [deepJsonText(pick(rand, [100, 10_000, 200_000])), deepJsonText(50_000, '{"utterances":'.repeat(1), ']')]));
  const bytes = Buffer.alloc(int(rand, 600));
  for (let j = 0; j < bytes.length; j++) bytes[j] = int(rand, 256);
  return bytes;
}

describe('fuzz: transcript uploads', () => {
  it('into a session: 201 or a 4xx naming the line/field/limit; a refused file stores nothing (300 cases)', async () => {
    const id = await newSession();
    let before = await utteranceCount(id);
    let accepted = 0;
    await runCases('upload', 0x5eed01, 300, async (rand, _i, note) => {
      const body = transcriptBody(rand);
      const q = uploadQuery(rand);
      note(`POST …/transcript${q} ${preview(body)}`);
      const r = await send('POST', `/api/sessions/${id}/transcript${q}`, body, pick(rand, ['application/octet-stream', 'text/plain', 'application/json', 'text/vtt; charset=utf-8', 'image/png']));
      expectClean(r, { named: namesPlace });
      const after = await utteranceCount(id);
      if (r.status === 201) {
        accepted++;
        expect(after).toBe(before + (r.body.utterances as number));
      } else {
        expect(after).toBe(before);
      }
      before = after;
    });
    // The mutations leave many files readable: the fuzz also exercises the storing path.
    expect(accepted).toBeGreaterThan(20);
  });

  it('as a new session: a refused file creates no session (120 cases)', async () => {
    let before = await sessionCount();
    await runCases('upload-new', 0x5eed02, 120, async (rand, _i, note) => {
      const body = transcriptBody(rand);
      const q = uploadQuery(rand);
      note(`POST /api/transcripts${q} ${preview(body)}`);
      const r = await send('POST', `/api/transcripts${q}`, body, 'application/octet-stream');
      expectClean(r, { named: namesPlace });
      const after = await sessionCount();
      expect(after).toBe(before + (r.status === 201 ? 1 : 0));
      before = after;
    });
  });

  it('files at and over the size limits: a line of 2,001 characters, 20,001 turns, 5 MiB + 1 byte, 51 speakers', async () => {
    const id = await newSession();
    const before = await utteranceCount(id);
    const cases: Array<[string, Buffer, number, string]> = [
      ['text line over 2000', Buffer.from(`A: ${'x'.repeat(2001)}\n`), 400, 'limit_exceeded'],
      ['speaker of 81', Buffer.from(`${'B'.repeat(81)}: hi\n`), 400, ''],
      ['20,001 turns', Buffer.from(Array.from({ length: 20_001 }, (_, k) => `S${k % 3}: t${k}`).join('\n')), 413, 'too_many_utterances'],
      ['5 MiB + 1', Buffer.alloc(5 * 1024 * 1024 + 1, 'a'), 413, 'too_large'],
      ['51 speakers', Buffer.from(Array.from({ length: 51 }, (_, k) => `P${k}: hello`).join('\n')), 400, 'invalid_input'],
    ];
    for (const [what, body, status, code] of cases) {
      const r = await send('POST', `/api/sessions/${id}/transcript?format=text`, body, 'text/plain');
      try {
        expectClean(r);
        expect(r.status).toBe(status);
        if (code) expect(r.body.error.code).toBe(code);
      } catch (err) {
        (err as Error).message = `${what}: ${(err as Error).message}`;
        throw err;
      }
    }
    expect(await utteranceCount(id)).toBe(before);
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('fuzz: session archives', () => {
  it('a mutated archive becomes one new session or a 4xx naming its field; a refused one creates no session (150 cases)', async () => {
    const id = await newSession();
    expect((await send('POST', `/api/sessions/${id}/transcript?format=json`, fs.readFileSync(path.join(FIXTURES, 'meeting.json')), 'application/json')).status).toBe(201);
    const pose = { landmarks: Array.from({ length: 33 }, (_, k) => ({ x: 0.3 + k / 100, y: 0.2 + k / 80, score: 0.9 })) };
    const who = (await api(server.url, 'GET', `/api/sessions/${id}`)).body.session.participants[0].name as string;
    expect((await api(server.url, 'POST', `/api/sessions/${id}/landmarks`, [0, 200, 400].map((mediaMs) => ({ participant: who, mediaMs, poses: [pose] })))).status).toBe(201);
    const archive = JSON.parse((await (await fetch(`${server.url}/api/sessions/${id}/archive`)).text())) as Record<string, unknown>;
    let before = await sessionCount();
    let accepted = 0;
    await runCases('archive', 0x5eed0a, 150, async (rand, _i, note) => {
      const body = rand() < 0.9 ? Buffer.from(JSON.stringify(mutateJson(archive as never, rand)) ?? 'null') : mutateBytes(Buffer.from(JSON.stringify(archive)), rand);
      note(`POST /api/archives ${preview(body)}`);
      const r = await send('POST', '/api/archives', body, pick(rand, ['application/json', 'application/octet-stream']));
      expectClean(r, { named: namesPlace });
      if (r.status === 201) accepted++;
      const after = await sessionCount();
      expect(after).toBe(before + (r.status === 201 ? 1 : 0));
      before = after;
    });
    // Some mutations leave the archive good (a changed text, a time): the storing path runs too.
    expect(accepted).toBeGreaterThan(5);
  });
});

/** A valid landmarks frame, 33 points, one or two poses. */
function landmarksFrame(rand: Rng): Record<string, unknown> {
  const pose = () => ({ landmarks: Array.from({ length: 33 }, (_, k) => ({ x: 0.3 + (k % 5) * 0.05 + rand() * 0.01, y: 0.1 + k * 0.02, z: -0.1, score: 0.9 })), score: 0.8 });
  return { participant: '周先生', mediaMs: int(rand, 100_000), poses: Array.from({ length: 1 + int(rand, 2) }, pose), aspect: 1.3333 };
}

describe('fuzz: JSON bodies', () => {
  it('landmarks: single frames and batches with wrong lengths, NaN-like, huge or string numbers, missing fields (300 cases)', async () => {
    const id = await newSession();
    const stored = async () => ((await api(server.url, 'GET', `/api/sessions/${id}/landmarks?limit=1000`)).body.frames as unknown[]).length;
    let before = await stored();
    await runCases('landmarks', 0x5eed03, 300, async (rand, _i, note) => {
      const batch = rand() < 0.4;
      let body: unknown = batch ? Array.from({ length: 1 + int(rand, 3) }, () => landmarksFrame(rand)) : landmarksFrame(rand);
      if (rand() < 0.85) body = mutateJson(body, rand);
      // A point's coordinate may be made NaN/Infinity (null in JSON) or a string.
      if (rand() < 0.3) {
        const f = (Array.isArray(body) ? body[0] : body);
        const pt = f?.poses?.[0]?.landmarks?.[int(rand, 33)];
        if (pt && typeof pt === 'object') pt[pick(rand, ['x', 'y', 'z', 'score'])] = weirdNumber(rand);
      }
      const text = rand() < 0.05 ? pick(rand, ['[', '{"participant":', 'NaN', '[1,2', '\u0000']) : JSON.stringify(body) ?? '';
      note(`POST …/landmarks ${preview(text)}`);
      const r = await send('POST', `/api/sessions/${id}/landmarks`, text, pick(rand, ['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/json; charset=latin1']));
      expectClean(r, { named: (e) => e.field !== undefined });
      const after = await stored();
      expect(after).toBe(before + (r.status === 201 ? (r.body.frames as unknown[]).length : 0));
      before = after;
    });
  });

  it('sessions, roles and reanalyse bodies of any shape (240 cases)', async () => {
    const id = await newSession();
    const base = [
      { title: 'x', participants: [{ name: 'A', role: 'customer' }, { name: 'B', role: 'rep' }] },
      { roles: { A: 'customer', B: 'rep', C: null } },
      {},
    ];
    await runCases('json-bodies', 0x5eed04, 240, async (rand, _i, note) => {
      const route = int(rand, 3);
      const body = rand() < 0.9 ? mutateJson(base[route], rand) : weirdValue(rand);
      const text = JSON.stringify(body) ?? 'null';
      const [method, p] = route === 0 ? ['POST', '/api/sessions'] : route === 1 ? ['PUT', `/api/sessions/${pick(rand, [id, id, 'nope', '..', 'x'.repeat(65), '%E0%A4%A', '%', '%00', '%C0%AF'])}/roles`] : ['POST', `/api/sessions/${pick(rand, [id, 'nope', '%E0%A4%A'])}/reanalyse`];
      note(`${method} ${p} ${preview(text)}`);
      const r = await send(method, p, text, pick(rand, ['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded']));
      // A path no route takes ('..' is resolved away by the client) is a 404 naming the route.
      expectClean(r, { named: (e) => e.field !== undefined || (e.code === 'not_found' && /^no route /.test(e.message)) });
    });
  });
});

describe('fuzz: the running verbal model', () => {
  it('PUT /api/settings/verbal with any body and content type: 200 running what it answered, or a 4xx naming the field that changed nothing; GET of the library and settings stays valid (80 cases)', async () => {
    const bases = [{ model: 'lib/copy' }, { model: 'base', thresholds: { resistance: 0.6, purchase_intent: 0.4 } }, { thresholds: {} }, { model: FUZZ_LIBRARY_VERSION, thresholds: { price_inquiry: 1 } }];
    const settingsNow = async () => {
      const r = await api(server.url, 'GET', '/api/settings/verbal');
      expect(r.status).toBe(200);
      const parsed = VerbalSettingsSchema.parse(r.body);
      return { model: parsed.model, thresholds: parsed.thresholds, history: parsed.history.length };
    };
    const statuses = new Set<number>();
    await runCases('verbal-settings', 0x5eed17, 80, async (rand, _i, note) => {
      const body = rand() < 0.85 ? mutateJson(pick(rand, bases), rand) : weirdValue(rand);
      const text = rand() < 0.05 ? deepJsonText(10 + int(rand, 500), '{"thresholds":', '}') : (JSON.stringify(body) ?? 'null');
      const before = await settingsNow();
      note(`PUT /api/settings/verbal ${preview(text)}`);
      const r = await send('PUT', '/api/settings/verbal', text, pick(rand, ['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain']));
      expectClean(r, { named: (e) => e.field !== undefined || e.limit !== undefined });
      statuses.add(r.status);
      const after = await settingsNow();
      if (r.status === 200) {
        expect({ model: after.model, thresholds: after.thresholds }).toEqual({ model: r.body.model, thresholds: r.body.thresholds });
        expect((await api(server.url, 'GET', '/api/health')).body.verbalModel).toBe(after.model.version);
      } else {
        expect(after).toEqual(before);
      }
      const lib = await api(server.url, 'GET', '/api/models/verbal');
      expect(lib.status).toBe(200);
      expect(VerbalLibrarySchema.parse(lib.body).models.filter((m) => m.running).map((m) => m.id)).toEqual([after.model.id]);
    });
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400]));
    // The suites after this one run on the default model and thresholds.
    expect((await api(server.url, 'PUT', '/api/settings/verbal', { model: 'base', thresholds: {} })).status).toBe(200);
  });
});

describe('fuzz: the running posture model', () => {
  const settingsNow = async () => {
    const r = await api(server.url, 'GET', '/api/settings/posture');
    expect(r.status).toBe(200);
    const parsed = PostureSettingsSchema.parse(r.body);
    return { model: parsed.model, switching: parsed.switching, history: parsed.history.length };
  };
  /** The library lists the running model as running, and only it. */
  const expectLibraryRuns = async (id: string) => {
    const lib = await api(server.url, 'GET', '/api/models/posture');
    expect(lib.status).toBe(200);
    expect(PostureLibrarySchema.parse(lib.body).models.filter((m) => m.running).map((m) => m.id)).toEqual([id]);
  };

  it('PUT /api/settings/posture at its limits: a wrong type, an empty or too long id, an unknown key, an unknown model, a body over 16 kB: a 4xx naming the field and the limit, nothing changed', async () => {
    const huge = JSON.stringify({ model: 'm'.repeat(16 * 1024) });
    const edges: [string, number, string, RegExp][] = [
      [JSON.stringify({ model: 7 }), 400, 'model', /^model: must be a string/],
      [JSON.stringify({}), 400, 'model', /^model: /],
      [JSON.stringify({ model: '' }), 400, 'model', /must name a model/],
      [JSON.stringify({ model: 'm'.repeat(MODEL_REF_MAX_CHARS + 1) }), 400, 'model', new RegExp(`at most ${MODEL_REF_MAX_CHARS} characters`)],
      [JSON.stringify({ model: 'base', thresholds: {} }), 400, 'thresholds', /unknown field/],
      [JSON.stringify([{ model: 'base' }]), 400, '', /./],
      [JSON.stringify({ model: 'lib/nope' }), 404, 'model', /lib\/nope/],
      [huge, 413, 'body', /larger than the limit of 16384 bytes/],
    ];
    const before = await settingsNow();
    for (const [text, status, field, message] of edges) {
      const r = await send('PUT', '/api/settings/posture', text, 'application/json');
      expectClean(r);
      expect([preview(text, 60), r.status]).toEqual([preview(text, 60), status]);
      if (field) expect(r.body.error.field).toBe(field);
      expect(r.body.error.message).toMatch(message);
      if (status === 413) expect(r.body.error.limit).toBe(16 * 1024);
      expect(await settingsNow()).toEqual(before);
    }
    await expectLibraryRuns(before.model.id);
  });

  it('PUT /api/settings/posture with any body and content type: 200 running what it answered, or a 4xx naming the field or limit that changed nothing; GET of the library and settings stays valid (60 cases)', async () => {
    const bases = [{ model: 'lib/copy' }, { model: 'base' }, { model: FUZZ_POSTURE_VERSION }, { model: 'lib/nope' }];
    const statuses = new Set<number>();
    await runCases('posture-settings', 0x5eed19, 60, async (rand, _i, note) => {
      const b0 = rand();
      const body = b0 < 0.3 ? pick(rand, bases) : b0 < 0.85 ? mutateJson(pick(rand, bases), rand) : weirdValue(rand);
      const r0 = rand();
      const text = r0 < 0.05 ? deepJsonText(10 + int(rand, 500), '{"model":', '}') : r0 < 0.1 ? JSON.stringify({ model: 'm'.repeat(16 * 1024 + int(rand, 3) - 1) }) : (JSON.stringify(body) ?? 'null');
      const before = await settingsNow();
      note(`PUT /api/settings/posture ${preview(text)}`);
      const r = await send('PUT', '/api/settings/posture', text, pick(rand, ['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain']));
      expectClean(r, { named: (e) => e.field !== undefined || e.limit !== undefined });
      statuses.add(r.status);
      const after = await settingsNow();
      expect(after.switching).toBeNull();
      if (r.status === 200) {
        expect(after.model).toEqual(PostureSettingsSchema.parse(r.body).model);
        expect((await api(server.url, 'GET', '/api/health')).body.postureModel).toBe(after.model.version);
      } else {
        expect(after).toEqual(before);
      }
      await expectLibraryRuns(after.model.id);
    });
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400, 404, 413]));
    // The suites after this one run on the default posture model.
    expect((await api(server.url, 'PUT', '/api/settings/posture', { model: 'base' })).status).toBe(200);
  });
});

describe('fuzz: renaming and deleting sessions', () => {
  it('PATCH and DELETE with any ids, bodies and content types: a refused PATCH renames nothing, an accepted one stores the title it answered; a DELETE deletes its session only (200 cases)', async () => {
    const kept = await newSession();
    const victims: string[] = [];
    const titleOf = async (id: string) => (await api(server.url, 'GET', `/api/sessions/${id}`)).body.session?.title as string | undefined;
    const listed = async () => ((await api(server.url, 'GET', '/api/sessions')).body.sessions as { id: string; title: string }[]).map((x) => `${x.id}:${x.title}`).sort();
    const statuses = new Set<number>();
    const base = { title: 'Bank visit 银行拜访' };
    await runCases('rename-delete', 0x5eed0b, 200, async (rand, _i, note) => {
      if (victims.length < 2) victims.push(await newSession());
      const sid = pick(rand, [kept, kept, kept, victims[0]!, victims[1]!, 'demo', 'nope', 'x'.repeat(65), '%E0%A4%A', '%00', '__proto__', 'constructor']);
      const before = await listed();
      if (rand() < 0.25) {
        note(`DELETE /api/sessions/${sid}`);
        const r = await send('DELETE', `/api/sessions/${sid}`, undefined);
        expectClean(r, { named: (e) => e.field !== undefined });
        statuses.add(r.status);
        const after = await listed();
        if (r.status === 200) {
          expect(r.body).toEqual({ deleted: true });
          expect(await titleOf(sid)).toBeUndefined();
          expect(after).toEqual(before.filter((x) => !x.startsWith(`${sid}:`)));
          victims.splice(victims.indexOf(sid), 1);
        } else {
          expect(after).toEqual(before);
        }
        return;
      }
      const body = rand() < 0.3 ? { title: pick(rand, ['ok', '  padded  ', '', '   ', '\u200b', '\u3164', 't'.repeat(200), 't'.repeat(201), 't'.repeat(10_000), '\ud800', 'a\r\nb', '好'.repeat(201)]) } : rand() < 0.9 ? mutateJson(base, rand) : weirdValue(rand);
      const text = rand() < 0.05 ? pick(rand, ['{"title":', 'null', '"x"', '{"__proto__":{"title":"x"}}', '{"title":"x","__proto__":{"demo":true}}', '']) : JSON.stringify(body) ?? 'null';
      const r = await sendCoachWrite(rand, note, statuses, 'PATCH', `/api/sessions/${sid}`, text);
      const after = await listed();
      if (r.status === 200) {
        expect(r.body.session.id).toBe(sid);
        expect(await titleOf(sid)).toBe(r.body.session.title);
        expect(after.filter((x) => !x.startsWith(`${sid}:`))).toEqual(before.filter((x) => !x.startsWith(`${sid}:`)));
      } else {
        expect(after).toEqual(before);
      }
    });
    // The cases reach both writes and every kind of refusal (the demo's 409 when the server seeds it).
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].filter((x) => x !== 409).sort()).toEqual([200, 400, 404, 413, 415]);
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('fuzz: coach corrections', () => {
  it('PUT and DELETE with any ids and bodies, and the exports: a refused write stores nothing, an accepted one what it answered (240 cases)', async () => {
    const id = await newSession();
    const turns = [
      { speaker: 'Rep Sun', text: 'Here is the plan.', startMs: 0 },
      { speaker: '周先生', text: '多少钱？', startMs: 1000 },
      { speaker: '周先生', text: 'Can you do better on the price?', startMs: 2000 },
      { speaker: 'Guest', text: 'Hm.', startMs: 3000 },
    ];
    expect((await send('POST', `/api/sessions/${id}/transcript?format=json`, JSON.stringify({ utterances: turns }), 'application/json')).status).toBe(201);
    const corrections = async (): Promise<any[]> => (await api(server.url, 'GET', `/api/sessions/${id}`)).body.corrections as any[];
    const turnIds = (await api(server.url, 'GET', `/api/sessions/${id}`)).body.utterances.map((u: { id: number }) => String(u.id)) as string[];
    const base = { label: 'neutral', note: '只是问问' };
    let before = await corrections();
    const statuses = new Set<number>();
    await runCases('corrections', 0x5eed06, 240, async (rand, _i, note) => {
      const session = pick(rand, [id, id, id, id, 'nope', 'x'.repeat(65), '%E0%A4%A']);
      const turn = pick(rand, [...turnIds, ...turnIds, '0', '-1', '1.5', '1e3', 'abc', '99999999', '1234567890123456', '%E0%A4%A', '%00', '%20' + turnIds[1], String(Number.MAX_SAFE_INTEGER), '__proto__']);
      const kind = int(rand, 6);
      if (kind === 5) {
        const p = pick(rand, [`/api/sessions/${session}/corrections`, '/api/corrections']);
        note(`GET ${p}`);
        const res = await fetch(server.url + p);
        const jsonl = await res.clone().text();
        expectClean(await readAnswer(res), { named: (e) => e.field !== undefined });
        // Only customer turns' labels: 周先生's, never the rep's or Guest's (no role).
        if (res.status === 200) for (const line of jsonl.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ role: 'customer', speaker: '周先生' });
        return;
      }
      const p = `/api/sessions/${session}/utterances/${turn}/correction`;
      const method = kind === 4 ? 'DELETE' : 'PUT';
      const body = method === 'DELETE' ? undefined : rand() < 0.4 ? { label: pick(rand, ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance', 'neutral']), ...(rand() < 0.5 ? { note: pick(rand, ['', ' ok ', 'n'.repeat(500), 'n'.repeat(501), '\ud800']) } : {}) } : rand() < 0.9 ? mutateJson(base, rand) : weirdValue(rand);
      const text = body === undefined ? undefined : JSON.stringify(body) ?? 'null';
      const r = await sendCoachWrite(rand, note, statuses, method, p, text);
      const after = await corrections();
      expectStoredAsAnswered(before, after, method, r, (b) => b.correction, (c) => c.utteranceId);
      before = after;
    });
    // The cases reach the storing path and every kind of refusal.
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].sort()).toEqual([200, 400, 404, 409, 415]);
  });
});

describe('fuzz: transcript edits', () => {
  it('PATCH and DELETE a turn with any ids and bodies: a refused one stores nothing, an accepted one answers the snapshot stored (160 cases)', async () => {
    const id = await newSession();
    const turns = [
      { speaker: 'Rep Sun', text: 'Here is the plan.', startMs: 0 },
      { speaker: '周先生', text: '多少前？', startMs: 1000 },
      { speaker: '周先生', text: 'Can you do better on the price?', startMs: 2000 },
      { speaker: 'Guest', text: 'Hm.', startMs: 3000 },
    ];
    const upload = async () => expect((await send('POST', `/api/sessions/${id}/transcript?format=json`, JSON.stringify({ utterances: turns }), 'application/json')).status).toBe(201);
    await upload();
    const snapshot = async () => (await api(server.url, 'GET', `/api/sessions/${id}`)).body as { utterances: { id: number; text: string; speaker: string }[] };
    const base = { text: '多少钱？', speaker: '周先生' };
    const statuses = new Set<number>();
    let before = await snapshot();
    await runCases('transcript-edits', 0x5eed0e, 160, async (rand, _i, note) => {
      // Turns enough to edit and delete.
      if (before.utterances.length < 3) {
        await upload();
        before = await snapshot();
      }
      const ids = before.utterances.map((u) => String(u.id));
      const session = pick(rand, [id, id, id, id, id, 'nope', 'x'.repeat(65), '%E0%A4%A']);
      const turn = pick(rand, [...ids, ...ids, ...ids, '0', '-1', '1.5', '1e3', '0x10', 'abc', '99999999', '1234567890123456', '%E0%A4%A', '%00', '%20' + ids[0], String(Number.MAX_SAFE_INTEGER), '__proto__']);
      const method = rand() < 0.25 ? 'DELETE' : 'PATCH';
      const p = `/api/sessions/${session}/utterances/${turn}`;
      const body = method === 'DELETE'
        ? undefined
        : rand() < 0.4
          ? {
              ...(rand() < 0.7 ? { text: pick(rand, ['多少钱？', ' Too expensive. ', '', ' \u200B ', 'x'.repeat(2000), 'x'.repeat(2001), '<b>hi</b>', 'مرحبا', '\ud800']) } : {}),
              ...(rand() < 0.5 ? { speaker: pick(rand, ['周先生', 'Rep Sun', ' 周先生 ', 'ＧＵＥＳＴ', 'guest', '', '\u200B', 'y'.repeat(80), 'y'.repeat(81), 'Newcomer']) } : {}),
            }
          : rand() < 0.9 ? mutateJson(base, rand) : weirdValue(rand);
      const text = body === undefined ? undefined : JSON.stringify(body) ?? 'null';
      const r = await sendCoachWrite(rand, note, statuses, method, p, text);
      const after = await snapshot();
      if (r.status === 200) {
        // The answer is the session as stored; a deletion took the turn, and only it.
        expect(r.body.snapshot).toEqual(after);
        if (method === 'DELETE') expect(after.utterances.map((u) => u.id)).toEqual(before.utterances.map((u) => u.id).filter((x) => String(x) !== turn));
        else expect(after.utterances.map((u) => u.id)).toEqual(before.utterances.map((u) => u.id));
      } else {
        expect(after).toEqual(before);
      }
      before = after;
    });
    // The cases reach the storing path and every kind of refusal.
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].sort()).toEqual([200, 400, 404, 415]);
  }, 120_000);
});

describe('fuzz: cue reviews', () => {
  it('PUT a verdict and DELETE a moment with any ids, queries and bodies, and the exports: a refused write stores nothing, an accepted one what it answered (240 cases)', async () => {
    const id = await newSession();
    const turns = [
      { speaker: 'Rep Sun', text: 'Here is the plan.', startMs: 0 },
      { speaker: '周先生', text: '这个多少钱？', startMs: 1000 },
      { speaker: '周先生', text: 'Honestly, that is far too expensive for us.', startMs: 70_000 },
    ];
    expect((await send('POST', `/api/sessions/${id}/transcript?format=json`, JSON.stringify({ utterances: turns }), 'application/json')).status).toBe(201);
    const session = async () => (await api(server.url, 'GET', `/api/sessions/${id}`)).body as { cues: { id: number; type: string; mediaMs: number }[]; cueReviews: any[] };
    const cues = (await session()).cues;
    expect(cues.length).toBeGreaterThan(0);
    const cueIds = cues.map((c) => String(c.id));
    const moments = cues.map((c) => [c.type, String(c.mediaMs)]);
    const base = { verdict: 'useful', note: '时机对' };
    let before = (await session()).cueReviews;
    const statuses = new Set<number>();
    const key = (r: any) => `${r.cueType}@${r.mediaMs}`;
    await runCases('cue-reviews', 0x5eed08, 240, async (rand, _i, note) => {
      const sid = pick(rand, [id, id, id, id, 'nope', 'x'.repeat(65), '%E0%A4%A']);
      const kind = int(rand, 6);
      if (kind === 5) {
        const p = pick(rand, [`/api/sessions/${sid}/cue-reviews`, '/api/cue-reviews']);
        note(`GET ${p}`);
        const res = await fetch(server.url + p);
        const jsonl = await res.clone().text();
        expectClean(await readAnswer(res), { named: (e) => e.field !== undefined });
        if (res.status === 200) for (const line of jsonl.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ verdict: expect.stringMatching(/^(useful|false_alarm)$/), emitted: true });
        return;
      }
      let method: string;
      let p: string;
      let text: string | undefined;
      if (kind === 4) {
        method = 'DELETE';
        const [type, ms] = pick(rand, [...moments, ...moments]);
        const q = [
          rand() < 0.8 ? `type=${pick(rand, [type, type, 'resistance', 'closing', '', '%E0%A4%A', 'closing_moment&type=resistance'])}` : '',
          rand() < 0.8 ? `mediaMs=${pick(rand, [ms, ms, '0', '-1', '1.5', '1e3', '0x10', '', '86400001', '99999999999999999999', `${ms}&mediaMs=${ms}`])}` : '',
        ].filter(Boolean).join('&');
        p = `/api/sessions/${sid}/cue-reviews${q ? `?${q}` : ''}`;
      } else {
        method = 'PUT';
        const cue = pick(rand, [...cueIds, ...cueIds, '0', '-1', '1.5', '1e3', 'abc', '99999999', '1234567890123456', '%E0%A4%A', '%00', '%20' + cueIds[0], String(Number.MAX_SAFE_INTEGER), '__proto__']);
        p = `/api/sessions/${sid}/cues/${cue}/review`;
        const body = rand() < 0.4 ? { verdict: pick(rand, ['useful', 'false_alarm']), ...(rand() < 0.5 ? { note: pick(rand, ['', ' ok ', 'n'.repeat(500), 'n'.repeat(501), '\ud800']) } : {}) } : rand() < 0.9 ? mutateJson(base, rand) : weirdValue(rand);
        text = JSON.stringify(body) ?? 'null';
      }
      const r = await sendCoachWrite(rand, note, statuses, method, p, text);
      const after = (await session()).cueReviews;
      expectStoredAsAnswered(before, after, method, r, (b) => b.review, key);
      before = after;
    });
    // The cases reach the storing path and every kind of refusal.
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].sort()).toEqual([200, 400, 404, 413, 415]);
  });
});

describe('fuzz: posture labels', () => {
  it('PUT labels and DELETE a frame\'s with any ids and bodies, and the exports: a refused write stores nothing, an accepted one what it answered on a frame with a person, and the exports hold only the customer\'s rows (240 cases)', async () => {
    const id = await newSession();
    // 周先生's frames every 200 ms from 0 to 6,000 (at 1,000-1,800 nobody was found); the rep has frames too.
    const frames = Array.from({ length: 31 }, (_, k) => ({ ...landmarksFrame(() => 0.5), mediaMs: k * 200, ...(k >= 5 && k <= 9 ? { poses: [] } : {}) }));
    for (let k = 0; k < frames.length; k += 16) expect((await send('POST', `/api/sessions/${id}/landmarks`, JSON.stringify(frames.slice(k, k + 16)), 'application/json')).status).toBe(201);
    expect((await send('POST', `/api/sessions/${id}/landmarks`, JSON.stringify({ ...landmarksFrame(() => 0.5), participant: 'Rep Sun', mediaMs: 400 }), 'application/json')).status).toBe(201);
    const stored = (await api(server.url, 'GET', `/api/sessions/${id}/landmarks?limit=1000`)).body.frames as { frameId: number; participant: string; mediaMs: number; poses: unknown[] }[];
    const withPerson = new Map(stored.filter((f) => f.participant === '周先生' && f.poses.length > 0).map((f) => [f.frameId, f.mediaMs]));
    const frameIds = stored.map((f) => String(f.frameId));
    const labelsOf = async (): Promise<any[]> => (await api(server.url, 'GET', `/api/sessions/${id}`)).body.postureLabels as any[];
    const LABELS = ['arms_crossed', 'leaning_forward', 'leaning_back', 'open_palms', 'legs_crossed', 'sitting_far', 'neutral', 'nodding', 'slouching'];
    const base = { participant: '周先生', mediaMs: 2400, labels: ['leaning_forward', 'open_palms'], note: '前倾' };
    let before = await labelsOf();
    const statuses = new Set<number>();
    await runCases('posture-labels', 0x5eed09, 240, async (rand, _i, note) => {
      const sid = pick(rand, [id, id, id, id, 'nope', 'x'.repeat(65), '%E0%A4%A']);
      const kind = int(rand, 6);
      if (kind === 5) {
        const p = pick(rand, [`/api/sessions/${sid}/posture-labels`, '/api/posture-labels']);
        note(`GET ${p}`);
        const res = await fetch(server.url + p);
        const jsonl = await res.clone().text();
        expectClean(await readAnswer(res), { named: (e) => e.field !== undefined });
        if (res.status === 200) {
          for (const line of jsonl.split('\n').filter(Boolean)) {
            const row = JSON.parse(line);
            expect(row).toMatchObject({ role: 'customer', participant: '周先生', source: 'browser' });
            expect(row.landmarks).toHaveLength(33);
            expect(withPerson.get(row.frame)).toBe(row.media_ms);
          }
        }
        return;
      }
      let method: string;
      let p: string;
      let text: string | undefined;
      if (kind === 4) {
        method = 'DELETE';
        const labelled = before.map((l) => String(l.frameId));
        p = `/api/sessions/${sid}/posture-labels/${pick(rand, [...labelled, ...labelled, ...frameIds, '0', '-1', '1.5', '1e3', 'abc', '99999999', '1234567890123456', '%E0%A4%A', '%00', String(Number.MAX_SAFE_INTEGER), '__proto__'])}`;
      } else {
        method = 'PUT';
        p = `/api/sessions/${sid}/posture-labels`;
        const body = rand() < 0.5
          ? {
              participant: pick(rand, ['周先生', '周先生', '周先生', 'Rep Sun', 'Nobody', ' 周先生 ', '']),
              mediaMs: pick(rand, [int(rand, 7200), int(rand, 7200), 1400, 7001, 6000 + 1000, -1, 86_400_001, 1.5]),
              labels: Array.from({ length: 1 + int(rand, 3) }, () => pick(rand, LABELS)),
              ...(rand() < 0.5 ? { note: pick(rand, ['', ' ok ', 'n'.repeat(500), 'n'.repeat(501), '\ud800']) } : {}),
            }
          : rand() < 0.9 ? mutateJson(base, rand) : weirdValue(rand);
        text = JSON.stringify(body) ?? 'null';
      }
      const r = await sendCoachWrite(rand, note, statuses, method, p, text);
      const after = await labelsOf();
      expectStoredAsAnswered(before, after, method, r, (b) => b.labels, (x) => x.frameId);
      // Labels go on a frame with a person found, at that frame's time.
      if (method === 'PUT' && r.status === 200) expect(withPerson.get(r.body.labels.frameId)).toBe(r.body.labels.mediaMs);
      before = after;
    });
    // The cases reach the storing path and every kind of refusal.
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].sort()).toEqual([200, 400, 404, 409, 413, 415]);
  });
});

describe('fuzz: comments', () => {
  it('POST, PUT and DELETE with any ids and bodies, and the review report with any lang: a refused write stores nothing, an accepted one what it answered (240 cases)', async () => {
    const id = await newSession();
    expect((await send('POST', `/api/sessions/${id}/transcript?format=json`, JSON.stringify({ utterances: [{ speaker: '周先生', text: '这个多少钱？', startMs: 1000 }] }), 'application/json')).status).toBe(201);
    const commentsOf = async (): Promise<any[]> => (await api(server.url, 'GET', `/api/sessions/${id}`)).body.comments as any[];
    const base = { mediaMs: 1000, text: '这里该提成交了 **now** <b>', author: 'Coach Wu' };
    let before = await commentsOf();
    const statuses = new Set<number>();
    await runCases('comments', 0x5eed0a, 240, async (rand, _i, note) => {
      const sid = pick(rand, [id, id, id, id, 'nope', 'x'.repeat(65), '%E0%A4%A']);
      const kind = int(rand, 7);
      if (kind === 6) {
        const p = `/api/sessions/${sid}/review.md${pick(rand, ['', '?lang=en', '?lang=zh', '?lang=fr', '?lang=', '?lang=en&lang=zh', '?lang=%E0%A4%A', '?other=1'])}`;
        note(`GET ${p}`);
        const res = await fetch(server.url + p);
        const text = await res.clone().text();
        expectClean(await readAnswer(res), { named: (e) => e.field !== undefined });
        // The stored comments, whatever they say, never become HTML in the report.
        if (res.status === 200) expect(text).not.toMatch(/<[a-z!/]/i);
        return;
      }
      const ids = before.map((c) => String(c.id));
      const commentId = pick(rand, [...ids, ...ids, ...ids, '0', '-1', '1.5', '1e3', 'abc', '99999999', '1234567890123456', '%E0%A4%A', '%00', String(Number.MAX_SAFE_INTEGER), '__proto__']);
      const method = kind < 3 ? 'POST' : kind < 5 ? 'PUT' : 'DELETE';
      const p = method === 'POST' ? `/api/sessions/${sid}/comments` : `/api/sessions/${sid}/comments/${commentId}`;
      const body = method === 'DELETE' ? undefined : rand() < 0.5
        ? {
            mediaMs: pick(rand, [int(rand, 100_000), 0, 86_400_000, 86_400_001, -1, 1.5]),
            text: pick(rand, ['ok', '  padded  ', '', '   ', 't'.repeat(2000), 't'.repeat(2001), '\ud800', '<script>alert(1)</script> | **x** #', '第一行\n第二行']),
            ...(rand() < 0.6 ? { author: pick(rand, ['', ' Wu ', 'a'.repeat(80), 'a'.repeat(81), '\ud800']) } : {}),
          }
        : rand() < 0.9 ? mutateJson(base, rand) : weirdValue(rand);
      const text = body === undefined ? undefined : JSON.stringify(body) ?? 'null';
      const r = await sendCoachWrite(rand, note, statuses, method, p, text);
      const after = await commentsOf();
      expectStoredAsAnswered(before, after, method, r, (b) => b.comment, (c) => c.id);
      // A new comment takes an id none had.
      if (method === 'POST' && r.status === 201) expect(before.map((c) => c.id)).not.toContain(r.body.comment.id);
      before = after;
    });
    // The cases reach the storing path and every kind of refusal (the 1,000-comment limit is the integration suite's).
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].sort()).toEqual([200, 201, 400, 404, 415]);
  });
});

describe('fuzz: model quality', () => {
  it('GET /api/quality with any query, several at once, between label writes: 200 with the figures of the scope and cap asked (as many corrections as its download holds), a 4xx naming query.rows / query.session, or 503 busy naming its limit (40 cases)', async () => {
    const id = await newSession();
    const turns = ['多少钱？', 'Can you do better on the price?', '太贵了，我们再想想。', "Let's sign today.", 'Nice weather.', '这个能包邮吗？'].map((text, i) => ({ speaker: '周先生', text, startMs: 1000 * (i + 1) }));
    expect((await send('POST', `/api/sessions/${id}/transcript?format=json`, JSON.stringify({ utterances: [{ speaker: 'Rep Sun', text: 'Here is the plan.', startMs: 0 }, ...turns] }), 'application/json')).status).toBe(201);
    const turnIds = (await api(server.url, 'GET', `/api/sessions/${id}`)).body.utterances.map((u: { id: number }) => u.id) as number[];
    const lines = async (p: string) => (await (await fetch(server.url + p)).text()).split('\n').filter(Boolean).length;
    const value = (rand: Rng): string => pick(rand, [
      '1', '3', '6', '20000', '20001', '0', '-1', '1e3', '0x10', '1.5', ' 5', '5 ', '+5', '٣', '３', '', '99999999999999999999', 'NaN', 'Infinity', 'null', '[]', '{}',
      id, id, 'nope', 'x'.repeat(65), 'x'.repeat(64), '%E0%A4%A', '%00', '%2F', '__proto__', 'constructor', '中文', '\ud800', 'a'.repeat(5000), String(int(rand, 30_000)),
    ]);
    const statuses = new Set<number>();
    await runCases('quality', 0x5eed0c, 40, async (rand, _i, note) => {
      // A coach's write between the questions, so the sharing of answers meets changed labels.
      if (rand() < 0.4) {
        const turn = pick(rand, turnIds);
        const r = rand() < 0.7
          ? await api(server.url, 'PUT', `/api/sessions/${id}/utterances/${turn}/correction`, { label: pick(rand, ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance', 'neutral']) })
          : await api(server.url, 'DELETE', `/api/sessions/${id}/utterances/${turn}/correction`);
        expect([200, 409]).toContain(r.status);
      }
      const queries = Array.from({ length: 1 + int(rand, 6) }, () => {
        const pairs = Array.from({ length: int(rand, 4) }, () => {
          const key = pick(rand, ['session', 'session', 'rows', 'rows', 'rows[]', 'session[]', 'rows[a]', 'Rows', 'x', '__proto__']);
          const v = value(rand);
          // A lone surrogate cannot be percent-encoded: sent as it is (fetch makes it U+FFFD).
          const encoded = rand() < 0.5 && !/[\ud800-\udfff]/.test(v) ? encodeURIComponent(v) : v;
          return `${key}=${encoded}`;
        });
        return pairs.length ? `?${pairs.join('&')}` : '';
      });
      note(`GET /api/quality ${preview(queries)}`);
      const scopeCounts = { [id]: await lines(`/api/sessions/${id}/corrections`), '': await lines('/api/corrections') };
      const answers = await Promise.all(queries.map(async (q) => [q, await readAnswer(await fetch(`${server.url}/api/quality${q}`))] as const));
      for (const [q, r] of answers) {
        statuses.add(r.status);
        if (r.status === 503) {
          expect(r.body.error).toMatchObject({ code: 'busy', limit: expect.any(Number) });
          continue;
        }
        expectClean(r, { named: (e) => e.field === 'query.rows' || e.field === 'query.session' || e.field === 'sessionId' });
        if (r.status !== 200) continue;
        const got = QualitySchema.parse(r.body);
        const params = new URLSearchParams(q);
        const session = params.get('session');
        expect(got.session).toBe(session);
        const stored = scopeCounts[session ?? ''];
        expect(got.verbal.stored).toBe(stored);
        expect(got.verbal.rows).toBe(Math.min(stored!, Number(params.get('rows') ?? 5000)));
      }
    });
    // The cases reach a measurement, every refusal and the limit on measurements at once.
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].sort()).toEqual([200, 400, 404, 503]);
  }, 120_000);
});

describe('fuzz: model comparisons', () => {
  /** A GET that must answer within its time (a hang fails the case, naming the query). */
  const get = async (p: string): Promise<Answer> => readAnswer(await fetch(server.url + p, { signal: AbortSignal.timeout(30_000) }));
  const ROUTES = [
    { kind: 'verbal', path: '/api/quality/compare', version: FUZZ_LIBRARY_VERSION, schema: VerbalComparisonSchema, settings: '/api/settings/verbal' },
    { kind: 'posture', path: '/api/quality/posture/compare', version: FUZZ_POSTURE_VERSION, schema: PostureComparisonSchema, settings: '/api/settings/posture' },
  ] as const;
  let id = '';
  beforeAll(async () => {
    // The fuzz before may have left a library model running: the base one runs, so lib/copy is the other model.
    for (const r of ROUTES) expect((await api(server.url, 'PUT', r.settings, { model: 'base' })).status).toBe(200);
  });
  /** The server still answers as before: the comparison of the library copy is a 200 of its shape. */
  const expectStillAnswers = async (r: (typeof ROUTES)[number]) => {
    const ok = await get(`${r.path}?model=lib/copy&session=${id}`);
    expect([ok.status, ok.body?.error]).toEqual([200, undefined]);
    expect(r.schema.parse(ok.body)).toMatchObject({ session: id, b: { id: 'lib/copy', version: r.version } });
  };

  it('GET /api/quality/compare and /api/quality/posture/compare at their limits: a missing, empty, over-long, repeated or bracketed model, an unknown model or session, a malformed session, bad rows: a 4xx naming the field, never a 500 or a hang; the server answers as before after them', async () => {
    id = await newSession();
    for (const r of ROUTES) {
      const q = (query: string) => `${r.path}?${query}`;
      const edges: [query: string, status: number, code: string, field: string, message?: RegExp][] = [
        ['', 400, 'invalid_input', 'query.model', /is required/],
        ['model=', 400, 'invalid_input', 'query.model', /must name a model/],
        [`model=${'m'.repeat(MODEL_REF_MAX_CHARS + 1)}`, 400, 'invalid_input', 'query.model', new RegExp(`at most ${MODEL_REF_MAX_CHARS} characters`)],
        [`model=${'m'.repeat(10_000)}`, 400, 'invalid_input', 'query.model', /at most/],
        // Longer than the server reads of a request line and headers: refused before any route, still JSON naming the limit.
        [`model=${'m'.repeat(100_000)}`, 431, 'too_large', 'url', /larger than the limit of 16384 bytes/],
        [`model=lib/copy&session=${'x'.repeat(20_000)}`, 431, 'too_large', 'url', /limit/],
        ['model=lib/copy&model=base', 400, 'invalid_input', 'query.model', /once/],
        ['model[]=lib/copy', 400, 'invalid_input', 'query.model', /is required/],
        ['model[a]=lib/copy', 400, 'invalid_input', 'query.model', /is required/],
        ['Model=lib/copy', 400, 'invalid_input', 'query.model', /is required/],
        ['model=lib/nope', 404, 'not_found', 'model', /lib\/nope/],
        ['model=nope', 404, 'not_found', 'model'],
        ['model=__proto__', 404, 'not_found', 'model'],
        ['model=constructor', 404, 'not_found', 'model'],
        ['model=lib/__proto__', 404, 'not_found', 'model'],
        ['model=lib/../copy', 404, 'not_found', 'model'],
        ['model=lib%2F..%2F..%2Fetc', 404, 'not_found', 'model'],
        ['model=%00', 404, 'not_found', 'model'],
        ['model=%E4%B8%AD%E6%96%87', 404, 'not_found', 'model'],
        ['model=base', 409, 'same_model', 'model', /runs now/],
        ['model=lib/copy&session=nope', 404, 'not_found', 'sessionId'],
        [`model=lib/nope&session=${id}`, 404, 'not_found', 'model'],
        ['model=lib/copy&session=', 400, 'invalid_input', 'query.session'],
        [`model=lib/copy&session=${'x'.repeat(65)}`, 400, 'invalid_input', 'query.session'],
        [`model=lib/copy&session=${'x'.repeat(10_000)}`, 400, 'invalid_input', 'query.session'],
        [`model=lib/copy&session=${id}&session=${id}`, 400, 'invalid_input', 'query.session', /once/],
        [`model=lib/copy&session[]=${id}`, 200, '', ''],
        ['model=lib/copy&session=%2E%2E', 400, 'invalid_input', 'query.session'],
        // An unknown key is not read (as GET /api/quality's).
        [`model=lib/copy&session=${id}&x=1&__proto__=1`, 200, '', ''],
      ];
      if (r.kind === 'verbal') {
        edges.push(
          ['model=lib/copy&rows=0', 400, 'invalid_input', 'query.rows'],
          ['model=lib/copy&rows=abc', 400, 'invalid_input', 'query.rows', /whole number/],
          ['model=lib/copy&rows=20001', 400, 'invalid_input', 'query.rows', /at most 20000/],
          ['model=lib/copy&rows=1&rows=2', 400, 'invalid_input', 'query.rows', /once/],
          [`model=lib/copy&rows=${'9'.repeat(5_000)}`, 400, 'invalid_input', 'query.rows'],
        );
      }
      for (const [query, status, code, field, message] of edges) {
        const what = `${r.kind} ${preview(query, 80)}`;
        const a = await get(q(query));
        try {
          expectClean(a, { named: (e) => e.field !== undefined });
          expect(a.status).toBe(status);
          if (status === 200) r.schema.parse(a.body);
          else {
            expect(a.body.error).toMatchObject({ code, field });
            if (message) expect(a.body.error.message).toMatch(message);
          }
        } catch (err) {
          (err as Error).message = `${what}: ${(err as Error).message}`;
          throw err;
        }
      }
      await expectStillAnswers(r);
    }
  }, 120_000);

  it('with any query, several at once: 200 of the comparison asked, a 4xx naming query.model / query.session / query.rows / model / sessionId, or 503 busy naming its limit; the server answers as before after them (2 × 20 cases)', async () => {
    if (!id) id = await newSession();
    for (const r of ROUTES) {
      const value = (rand: Rng, key: string): string => pick(rand, key.startsWith('session')
        ? [id, id, 'nope', '', 'x'.repeat(64), 'x'.repeat(65), '%00', '__proto__', '中文', 'a'.repeat(5000), '..', 'null']
        : ['lib/copy', 'lib/copy', 'base', r.version, 'lib/nope', '', 'm'.repeat(MODEL_REF_MAX_CHARS + 1), '__proto__', 'lib/', '/', 'lib/copy/', ' lib/copy', '中文', '%00', '1', 'a'.repeat(5000), '[]']);
      const statuses = new Set<number>();
      await runCases(`${r.kind} compare`, r.kind === 'verbal' ? 0xc0ffe1 : 0xc0ffe2, 20, async (rand, _i, note) => {
        const queries = Array.from({ length: 1 + int(rand, 3) }, () => {
          const pairs = Array.from({ length: int(rand, 4) }, () => {
            const key = pick(rand, ['model', 'model', 'model', 'session', 'session', 'rows', 'model[]', 'session[]', 'Model', 'x', '__proto__']);
            const v = key === 'rows' ? pick(rand, ['1', '0', '-1', 'abc', '20001', '5', '1e3']) : value(rand, key);
            return `${key}=${rand() < 0.5 && !/[\ud800-\udfff]/.test(v) ? encodeURIComponent(v) : v}`;
          });
          return pairs.length ? `?${pairs.join('&')}` : '';
        });
        note(`GET ${r.path} ${preview(queries)}`);
        const answers = await Promise.all(queries.map(async (query) => [query, await get(r.path + query)] as const));
        for (const [query, a] of answers) {
          statuses.add(a.status);
          if (a.status === 503) {
            expect(a.body.error).toMatchObject({ code: 'busy', limit: expect.any(Number) });
            continue;
          }
          expectClean(a, { named: (e) => ['query.model', 'query.session', 'query.rows', 'model', 'sessionId'].includes(e.field) });
          if (a.status !== 200) continue;
          const got = r.schema.parse(a.body);
          const params = new URLSearchParams(query);
          expect(got.session).toBe(params.get('session'));
          expect(got.b.id).toBe('lib/copy');
        }
      });
      // The cases reach a comparison, a refusal of the query and of the model.
      if (process.env.FUZZ_CASE === undefined) for (const s of [200, 400, 404]) expect([...statuses]).toContain(s);
      await expectStillAnswers(r);
    }
  }, 240_000);
});

describe('fuzz: training jobs', () => {
  it('POST /api/models/verbal/train with any body, GET and DELETE between them: 202 with the job asked for, 409 naming the job running, 422 naming the labels and the limit, or a 4xx naming the field; one job at a time, and no temp folder left (30 cases)', async () => {
    const id = await newSession();
    const turns = Array.from({ length: 12 }, (_, i) => ({ speaker: '周先生', text: `${pick(() => i / 12, ['多少钱？', 'Any discount?', '太贵了。', "Let's sign.", 'Nice weather.'])} ${i}`, startMs: 1000 * (i + 1) }));
    expect((await send('POST', `/api/sessions/${id}/transcript?format=json`, JSON.stringify({ utterances: turns }), 'application/json')).status).toBe(201);
    const turnIds = (await api(server.url, 'GET', `/api/sessions/${id}`)).body.utterances.map((u: { id: number }) => u.id) as number[];
    // Ten labels, the least a job takes: a case's label removal brings them under it (422), as does
    // the other session (no labels).
    const other = await newSession();
    for (const t of turnIds.slice(0, 10)) expect((await api(server.url, 'PUT', `/api/sessions/${id}/utterances/${t}/correction`, { label: 'price_inquiry' })).status).toBe(200);
    const base = { seed: 3, extraWeight: 2, session: id };
    const statuses = new Set<number>();
    const job = async () => TrainJobAnswerSchema.parse((await api(server.url, 'GET', '/api/models/verbal/train')).body).job;
    await runCases('training', 0x5eed0f, 30, async (rand, _i, note) => {
      if (rand() < 0.3) {
        const turn = pick(rand, turnIds);
        const r = rand() < 0.7
          ? await api(server.url, 'PUT', `/api/sessions/${id}/utterances/${turn}/correction`, { label: pick(rand, ['price_inquiry', 'discount_request', 'purchase_intent', 'resistance', 'neutral']) })
          : await api(server.url, 'DELETE', `/api/sessions/${id}/utterances/${turn}/correction`);
        expect(r.status).toBe(200);
      }
      const before = await job();
      const running = before !== null && (before.state === 'queued' || before.state === 'running');
      const r0 = rand();
      const body = r0 < 0.35 ? pick(rand, [{}, base, { session: id }, { seed: int(rand, 1000) }, { session: other }]) : r0 < 0.85 ? mutateJson(base, rand) : weirdValue(rand);
      const text = JSON.stringify(body);
      note(`POST /api/models/verbal/train ${preview(text)} (a job ${running ? 'running' : 'not running'})`);
      const r = await send('POST', '/api/models/verbal/train', text, pick(rand, ['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain']));
      statuses.add(r.status);
      expectClean(r, { named: (e) => e.field !== undefined });
      if (r.status === 202) {
        expect(running).toBe(false);
        const got = TrainJobSchema.parse(r.body.job);
        const asked = body as { seed?: number; extraWeight?: number; session?: string };
        expect(got).toMatchObject({ state: 'queued', seed: asked.seed ?? 7, session: asked.session ?? null, rows: { weight: asked.extraWeight ?? 5 } });
      }
      if (r.status === 409) {
        expect(r.body.error).toMatchObject({ code: 'busy', field: 'job', message: expect.stringContaining(before?.id ?? '?') });
      }
      if (r.status === 422) expect(r.body.error).toMatchObject({ limit: 10, actual: expect.any(Number) });
      await cancelSometimes(rand, await job(), '/api/models/verbal/train');
    });
    await jobsSettled(job);
    const lib = path.join(modelsDir, 'verbal');
    expect((fs.existsSync(lib) ? fs.readdirSync(lib) : []).filter((n) => n.startsWith('.'))).toEqual([]);
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].sort()).toEqual(expect.arrayContaining([202, 400, 409, 422]));
  }, 180_000);
});

describe('fuzz: posture training jobs', () => {
  const TRAIN = '/api/models/posture/train';
  const job = async () => PostureTrainJobAnswerSchema.parse((await api(server.url, 'GET', TRAIN)).body).job;
  const exportLines = async () => (await (await fetch(`${server.url}/api/posture-labels`)).text()).split('\n').filter(Boolean).length;

  it('POST /api/models/posture/train at its limits: wrong types, out-of-range seed, extraWeight and holdOut, unknown keys, a body over 4 kB: 400/413 naming the field and the limit, no job started', async () => {
    const edges: [unknown, number, string, RegExp][] = [
      [{ seed: -1 }, 400, 'seed', /^seed: must be at least 0 \(the training seed\)$/],
      [{ seed: 2_147_483_648 }, 400, 'seed', /at most 2147483647/],
      [{ seed: 1.5 }, 400, 'seed', /whole number from 0 to 2147483647/],
      [{ seed: '7' }, 400, 'seed', /whole number from 0 to 2147483647/],
      [{ extraWeight: 0 }, 400, 'extraWeight', /at least 1 \(how many times each labelled frame counts\)/],
      [{ extraWeight: 21 }, 400, 'extraWeight', /at most 20 \(how many times each labelled frame counts\)/],
      [{ extraWeight: null }, 400, 'extraWeight', /whole number from 1 to 20/],
      [{ holdOut: -1 }, 400, 'holdOut', /at least 0/],
      [{ holdOut: 51 }, 400, 'holdOut', /at most 50/],
      [{ holdOut: 20.5 }, 400, 'holdOut', /whole number from 0 to 50/],
      [{ holdOut: [20] }, 400, 'holdOut', /whole number from 0 to 50/],
      [{ epochs: 1 }, 400, 'epochs', /unknown field/],
      [{ seed: 1, members: 3 }, 400, 'members', /unknown field/],
      [{ session: 7 }, 400, 'session', /./],
      [{ session: 'x'.repeat(5000) }, 413, 'body', /larger than the limit of 4096 bytes/],
    ];
    const before = await job();
    const lines = await exportLines();
    for (const [body, status, field, message] of edges) {
      const text = JSON.stringify(body);
      const r = await send('POST', TRAIN, text, 'application/json');
      expectClean(r, { named: (e) => e.field !== undefined });
      expect([text.slice(0, 60), r.status, r.body.error.field]).toEqual([text.slice(0, 60), status, field]);
      expect(r.body.error.message).toMatch(message);
      if (status === 413) expect(r.body.error.limit).toBe(4096);
      expect(await job()).toEqual(before);
    }
    expect(await exportLines()).toBe(lines);
  });

  it('POST /api/models/posture/train with any body, GET and DELETE between them: 202 with the job asked for, 409 naming the job running, 422 naming the labels and the limit, or a 4xx naming the field; the labels kept, one job at a time, and no temp folder left (30 cases)', async () => {
    // Twelve labelled frames: a hold-out may bring them under the 10 a job needs (422), as does the other session (none).
    const id = await labelledFrames(server.url, 12);
    const other = await newSession();
    const base = { seed: 3, extraWeight: 2, session: id, holdOut: 10 };
    const lines = await exportLines();
    const statuses = new Set<number>();
    await runCases('posture-training', 0x5eed1f, 30, async (rand, _i, note) => {
      const before = await job();
      const running = before !== null && (before.state === 'queued' || before.state === 'running');
      const r0 = rand();
      const body = r0 < 0.35 ? pick(rand, [{}, base, { session: id, holdOut: 0 }, { session: id, seed: int(rand, 1000) }, { session: other }]) : r0 < 0.85 ? mutateJson(base, rand) : weirdValue(rand);
      const text = rand() < 0.05 ? JSON.stringify({ ...base, pad: 'p'.repeat(4096) }) : JSON.stringify(body);
      note(`POST ${TRAIN} ${preview(text)} (a job ${running ? 'running' : 'not running'})`);
      const r = await send('POST', TRAIN, text, pick(rand, ['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain']));
      statuses.add(r.status);
      expectClean(r, { named: (e) => e.field !== undefined });
      const now = await job();
      if (r.status === 202) {
        expect(running).toBe(false);
        const got = PostureTrainJobSchema.parse(r.body.job);
        const asked = body as { seed?: number; extraWeight?: number; session?: string; holdOut?: number };
        expect(got).toMatchObject({
          state: 'queued', seed: asked.seed ?? POSTURE_TRAIN_SEED_DEFAULT, session: asked.session ?? null,
          rows: { weight: asked.extraWeight ?? POSTURE_EXTRA_WEIGHT_DEFAULT, holdOutPercent: asked.holdOut ?? HOLD_OUT_DEFAULT_PERCENT },
        });
        expect(now?.id).toBe(got.id);
      } else {
        // A refusal starts nothing: the job is the one there was.
        expect(now?.id).toBe(before?.id);
      }
      if (r.status === 409) expect(r.body.error).toMatchObject({ code: 'busy', field: 'job', message: expect.stringContaining(before?.id ?? '?') });
      if (r.status === 422) expect(r.body.error).toMatchObject({ limit: 10, actual: expect.any(Number) });
      if (r.status === 400 && ['seed', 'extraWeight', 'holdOut'].includes(r.body.error.field)) expect(r.body.error.message).toMatch(/\d/);
      expect(await exportLines()).toBe(lines);
      await cancelSometimes(rand, now, TRAIN);
    });
    // No temp folder is left in the posture library, and every folder in it is a model it lists.
    await jobsSettled(job);
    const lib = postureLibraryDir(modelsDir);
    expect(fs.readdirSync(lib).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(PostureLibrarySchema.parse((await api(server.url, 'GET', '/api/models/posture')).body).skipped).toEqual([]);
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].sort()).toEqual(expect.arrayContaining([202, 400, 409, 422]));
  }, 180_000);
});

describe('fuzz: search', () => {
  it('GET /api/search with any query, several at once, cursors reused under other filters, a session deleted between pages: 200 with pages true to the query, a 4xx naming query.<field> / sessionId, or 503 busy naming its limit (60 cases)', async () => {
    const id = await newSession();
    const turns = ['多少钱？太贵了', 'Too ＥＸＰＥＮＳＩＶＥ 😅 too expensive', 'İstanbul Straße ㎏ ﬁne', '这个price还能再低点吗', 'aaaa', 'e\u0301te 👍🏽'].map((text, i) => ({ speaker: i % 2 ? 'Rep Sun' : '周先生', text, startMs: 1000 * (i + 1) }));
    expect((await send('POST', `/api/sessions/${id}/transcript?format=json`, JSON.stringify({ utterances: turns }), 'application/json')).status).toBe(201);
    const cursors: string[] = ['1.1.1', '0.0.0', '999999999999999.999999999999999.9999999999'];
    const value = (rand: Rng, key: string): string => pick(rand, [
      '', ' ', '  a  ', 'a', 'aa', '太贵', '贵', 'PRICE', 'ｐｒｉｃｅ', 'i', 'ss', 'kg', 'fi', '😅', '\ud800', '%00', '\u0000', '\u0301', 'e\u0301', 'a'.repeat(200), 'a'.repeat(201), '😀'.repeat(200), '😀'.repeat(201),
      '1', '50', '200', '201', '0', '050', '1e2', '-1', '1.5', '٣', '３', 'NaN', 'customer', 'rep', 'en', 'zh', 'mixed', 'neutral', 'resistance', 'none',
      id, 'nope', 'x'.repeat(65), '__proto__', 'constructor', ...(key === 'after' ? cursors : []),
    ]);
    const keys = ['q', 'q', 'q', 'session', 'role', 'lang', 'label', 'coachLabel', 'uncertain', 'limit', 'limit', 'after', 'after', 'q[]', 'limit[a]', 'Q', 'x'];
    const statuses = new Set<number>();
    await runCases('search', 0x5eed0d, 60, async (rand, _i, note) => {
      // Now and then a session comes and goes, so a cursor may name one deleted since.
      if (rand() < 0.2) {
        const gone = await newSession();
        expect((await send('POST', `/api/sessions/${gone}/transcript?format=json`, JSON.stringify({ utterances: [{ speaker: '周先生', text: '太贵了 price', startMs: 0 }] }), 'application/json')).status).toBe(201);
        const page = await api(server.url, 'GET', `/api/search?session=${gone}&limit=1`);
        if (page.status === 200 && page.body.next) cursors.push(page.body.next as string);
        expect((await api(server.url, 'DELETE', `/api/sessions/${gone}`)).status).toBe(200);
      }
      const queries = Array.from({ length: 1 + int(rand, 6) }, () => {
        const pairs = Array.from({ length: int(rand, 5) }, () => {
          const key = pick(rand, keys);
          const v = value(rand, key.replace(/\[.*/, ''));
          // A lone surrogate cannot be percent-encoded: sent as it is (fetch makes it U+FFFD).
          const encoded = rand() < 0.7 && !/[\ud800-\udfff]/.test(v.replace(/\p{Extended_Pictographic}/gu, '')) ? encodeURIComponent(v) : v;
          return `${key}=${encoded}`;
        });
        return pairs.length ? `?${pairs.join('&')}` : '';
      });
      note(`GET /api/search ${preview(queries)}`);
      const answers = await Promise.all(queries.map(async (q) => [q, await readAnswer(await fetch(`${server.url}/api/search${q}`))] as const));
      for (const [q, r] of answers) {
        statuses.add(r.status);
        if (r.status === 503) {
          expect(r.body.error).toMatchObject({ code: 'busy', limit: expect.any(Number) });
          continue;
        }
        expectClean(r, { named: (e) => /^query\.(q|session|role|lang|label|coachLabel|uncertain|limit|after)$/.test(e.field) || e.field === 'sessionId' });
        if (r.status !== 200) continue;
        const got = SearchAnswerSchema.parse(r.body);
        const params = new URLSearchParams(q);
        expect(got.results.length).toBeLessThanOrEqual(Number(params.get('limit') ?? 50));
        if (got.next !== null) {
          cursors.push(got.next);
          expect(got.results.length).toBe(Number(params.get('limit') ?? 50));
        }
        const words = params.get('q')?.trim();
        for (const hit of got.results) {
          if (params.get('session') !== null) expect(hit.sessionId).toBe(params.get('session'));
          if (!words) {
            expect(hit.matches).toEqual([]);
            continue;
          }
          // Every match in range, in order, not overlapping; the turn holds the words.
          expect(searchForm(hit.text)).toContain(searchForm(words));
          expect(hit.matches.length).toBeGreaterThan(0);
          let at = 0;
          for (const [a, b] of hit.matches) {
            expect(a).toBeGreaterThanOrEqual(at);
            expect(b).toBeGreaterThan(a);
            expect(b).toBeLessThanOrEqual(hit.text.length);
            expect(searchForm(hit.text.slice(a, b))).toContain(searchForm(words).slice(0, 1));
            at = b;
          }
        }
      }
    });
    // The cases reach results and both refusals (503 busy only if five overlap: this store is
    // small enough that most searches end in one synchronous step; routes/search.test.ts holds it).
    if (process.env.FUZZ_CASE === undefined) expect([...statuses].filter((x) => x !== 503).sort()).toEqual([200, 400, 404]);
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  }, 120_000);
});

describe('fuzz: images', () => {
  let images: Buffer[] = [];
  beforeAll(async () => {
    const raw = sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 120, b: 40 } } });
    images = [await raw.clone().jpeg().toBuffer(), await raw.clone().png().toBuffer(), await raw.clone().webp().toBuffer()];
  });

  function imageBody(rand: Rng): Buffer {
    const src = pick(rand, images);
    const r = rand();
    if (r < 0.35) return src.subarray(0, int(rand, src.length));
    if (r < 0.8) return mutateBytes(src, rand);
    if (r < 0.9) return src.subarray(0, pick(rand, [2, 3, 4, 8, 12]));
    const bytes = Buffer.alloc(int(rand, 200));
    for (let j = 0; j < bytes.length; j++) bytes[j] = int(rand, 256);
    return bytes;
  }

  it('frames and photos: random, truncated and damaged JPEG/PNG/WebP, wrong content types, bad queries (70 cases)', async () => {
    const id = await newSession();
    await runCases('images', 0x5eed05, 70, async (rand, _i, note) => {
      const body = imageBody(rand);
      const kind = int(rand, 4);
      if (kind === 3) {
        // A JSON batch whose frames carry base64 of the damaged image, or a mutated batch.
        const batch = { frames: [{ participant: '周先生', mediaMs: int(rand, 1000), image: body.toString('base64') }] };
        const text = JSON.stringify(rand() < 0.5 ? batch : mutateJson(batch, rand)) ?? '';
        note(`POST …/frames batch ${preview(text)}`);
        expectClean(await send('POST', `/api/sessions/${id}/frames`, text, 'application/json'), { named: (e) => e.field !== undefined });
        return;
      }
      const query = pick(rand, ['participant=周先生&mediaMs=0&wait=1', 'participant=周先生&mediaMs=5&wait=true', 'participant=&mediaMs=1', 'participant=A&mediaMs=-1', 'participant=A&mediaMs=1e3', 'participant=A&mediaMs=0&person=2,0,1,1', 'participant=A&mediaMs=0&person=0.1,0.1,0.5,0.5&wait=1', 'mediaMs=0']);
      const p = kind === 2 ? `/api/photos?${pick(rand, ['', 'people=all', 'people=x', 'person=,,,'])}` : `/api/sessions/${id}/frames?${query}`;
      note(`POST ${p} ${preview(body, 120)}`);
      const r = await send('POST', p, body, pick(rand, ['image/jpeg', 'image/png', 'application/octet-stream', 'text/plain', 'multipart/form-data']));
      expectClean(r, { named: (e) => e.field !== undefined });
    });
    expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
  });
});
