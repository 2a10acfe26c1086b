// Model quality says why it cannot tell what a running model was trained on: the real server
// (port 0) runs a library model a server job could have written (its manifest records the coaches'
// rows), and the list the job writes beside it (trained-rows.json, trained-frames.json) is
// damaged, not its shape or over its bound; GET /api/quality's trained-on entry is unknown with a
// reason naming the file and the problem (and the bound), as the comparisons' model is, and the
// answer is still a 200.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PostureComparisonSchema, VerbalComparisonSchema } from '../../protocol/compare';
import { QualitySchema, type Quality } from '../../protocol/quality';
import { addLibraryModel, addPostureLibraryModel, tempModelsDir } from '../../server/models/library.testkit';
import { TRAINED_ROWS_FILE, TRAINED_ROWS_MAX_BYTES } from '../../server/training/holdOut';
import { TRAINED_FRAMES_FILE, TRAINED_FRAMES_MAX_BYTES } from '../../server/training/postureRows';
import type { RunningServer } from '../../server/main';
import { api, startTestServer } from './harness';

const modelsDir = tempModelsDir();
const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-quality-reason-'));
const verbalDir = addLibraryModel(modelsDir, 'job', 'verbal-20261201-1e5bad00', { extra: { weight: 5, rows: 18 } });
const postureDir = addPostureLibraryModel(modelsDir, 'job', 'posture-20261201-1e5bad00', { extra: { weight: 2, rows: 6 } });
let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer({ dbPath: path.join(dbDir, 'store.db'), modelsDir });
  expect((await api(server.url, 'PUT', '/api/settings/verbal', { model: 'lib/job' })).status).toBe(200);
  expect((await api(server.url, 'PUT', '/api/settings/posture', { model: 'lib/job' })).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
  for (const d of [modelsDir, dbDir]) fs.rmSync(d, { recursive: true, force: true });
});

const quality = async (): Promise<Quality> => {
  const r = await api(server.url, 'GET', '/api/quality');
  expect(r.status).toBe(200);
  return QualitySchema.parse(r.body);
};

describe('GET /api/quality: why a trained-on check is unknown', () => {
  const verbalEntry = { path: 'server:corrections@2026-12-01T07:00:00Z', rows: 18, weight: 5, match: 'unknown', overlap: null };
  const postureEntry = { path: 'server:posture-labels@2026-12-01T07:00:00Z', rows: 6, weight: 2, match: 'unknown', overlap: null };

  it('no list beside the model: its extra file is named, missing', async () => {
    const q = await quality();
    expect(q.verbal.trainedOn).toEqual([{ ...verbalEntry, reason: { file: verbalEntry.path, problem: 'missing', maxBytes: null } }]);
    expect(q.posture.trainedOn).toEqual([{ ...postureEntry, reason: { file: postureEntry.path, problem: 'missing', maxBytes: null } }]);
  });

  it('a damaged trained-rows.json and a trained-frames.json not its shape: malformed, naming the file', async () => {
    fs.writeFileSync(path.join(verbalDir, TRAINED_ROWS_FILE), '["0123456789abcdef", "fedc');
    fs.writeFileSync(path.join(postureDir, TRAINED_FRAMES_FILE), '{"trained": "all"}');
    const q = await quality();
    expect(q.verbal.trainedOn).toEqual([{ ...verbalEntry, reason: { file: TRAINED_ROWS_FILE, problem: 'malformed', maxBytes: null } }]);
    expect(q.posture.trainedOn).toEqual([{ ...postureEntry, reason: { file: TRAINED_FRAMES_FILE, problem: 'malformed', maxBytes: null } }]);
    // Compared with the base model, the running one's trained-on turns (frames) cannot be told either, and the answer says why.
    const verbal = await api(server.url, 'GET', '/api/quality/compare?model=base');
    expect(verbal.status).toBe(200);
    expect(VerbalComparisonSchema.parse(verbal.body).a).toMatchObject({ id: 'lib/job', trainedOn: null, unknownReason: { file: TRAINED_ROWS_FILE, problem: 'malformed', maxBytes: null } });
    expect(verbal.body.b).toMatchObject({ id: 'base', trainedOn: 0, unknownReason: null });
    const posture = await api(server.url, 'GET', '/api/quality/posture/compare?model=base');
    expect(posture.status).toBe(200);
    expect(PostureComparisonSchema.parse(posture.body).a).toMatchObject({ id: 'lib/job', trainedOn: null, unknownReason: { file: TRAINED_FRAMES_FILE, problem: 'malformed', maxBytes: null } });
  });

  it('over the bound its job writes under: too_large with the bound; a folder in its place: unreadable', async () => {
    fs.writeFileSync(path.join(verbalDir, TRAINED_ROWS_FILE), '['.padEnd(TRAINED_ROWS_MAX_BYTES + 1, ' '));
    fs.rmSync(path.join(postureDir, TRAINED_FRAMES_FILE));
    fs.mkdirSync(path.join(postureDir, TRAINED_FRAMES_FILE));
    const q = await quality();
    expect(q.verbal.trainedOn).toEqual([{ ...verbalEntry, reason: { file: TRAINED_ROWS_FILE, problem: 'too_large', maxBytes: TRAINED_ROWS_MAX_BYTES } }]);
    expect(q.posture.trainedOn).toEqual([{ ...postureEntry, reason: { file: TRAINED_FRAMES_FILE, problem: 'unreadable', maxBytes: null } }]);
    fs.rmdirSync(path.join(postureDir, TRAINED_FRAMES_FILE));
    fs.writeFileSync(path.join(postureDir, TRAINED_FRAMES_FILE), ' '.repeat(TRAINED_FRAMES_MAX_BYTES + 1));
    expect((await quality()).posture.trainedOn).toEqual([{ ...postureEntry, reason: { file: TRAINED_FRAMES_FILE, problem: 'too_large', maxBytes: TRAINED_FRAMES_MAX_BYTES } }]);
  });

  it('a readable list again: no longer unknown, and no reason', async () => {
    fs.writeFileSync(path.join(verbalDir, TRAINED_ROWS_FILE), '[]');
    fs.writeFileSync(path.join(postureDir, TRAINED_FRAMES_FILE), '{"trained":[],"heldOut":[]}');
    const q = await quality();
    expect(q.verbal.trainedOn).toEqual([{ ...verbalEntry, match: 'no_overlap', overlap: 0 }]);
    expect(q.posture.trainedOn).toEqual([{ ...postureEntry, match: 'no_overlap', overlap: 0 }]);
  });
});
