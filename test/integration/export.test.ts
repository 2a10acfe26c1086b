// GET /api/sessions/:id/transcript: a stored session as the JSON transcript the upload routes
// and `analyze` take. Round trip on the real server (port 0, real SQLite, real model): upload →
// export → upload the export as a new session gives the same turns, roles, signals and cues,
// and `analyze` reads the exported file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../server/cli/main';
import { projectPath } from '../../server/paths';
import type { RunningServer } from '../../server/main';
import type { SessionSnapshot } from '../../protocol/protocol';
import { api, startTestServer } from './harness';

const demo = fs.readFileSync(projectPath('fixtures', 'demo', 'meeting.json'));

/** What a transcript round trip must keep: turns, roles, and the analysis (labels and cue types). */
function essence(s: SessionSnapshot) {
  const byId = new Map(s.utterances.map((u) => [u.id, u]));
  return {
    title: s.session.title,
    participants: [...s.session.participants].sort((a, b) => a.name.localeCompare(b.name)),
    utterances: s.utterances.map(({ speaker, role, text, startMs, endMs }) => ({ speaker, role, text, startMs, endMs })),
    signals: s.signals.flatMap((g) => (g.kind === 'verbal' ? [{ seq: byId.get(g.utteranceId)?.seq, label: g.label, score: g.score }] : [])),
    cues: s.cues.map((c) => ({ type: c.type, reason: c.reason, mediaMs: c.mediaMs })),
  };
}

describe('GET /api/sessions/:id/transcript', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer({ dbPath: ':memory:' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-export-'));
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports a session that uploads again as the same turns, roles, signals and cues, and analyze reads it', async () => {
    const up = await api(server.url, 'POST', '/api/transcripts?format=json', undefined, demo);
    expect(up.status).toBe(201);
    const id = up.body.session.id as string;
    const original = (await api(server.url, 'GET', `/api/sessions/${id}`)).body as SessionSnapshot;
    expect(original.signals.length).toBeGreaterThan(0);
    expect(original.cues.length).toBeGreaterThan(0);

    const res = await fetch(`${server.url}/api/sessions/${id}/transcript`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // The demo's title is Chinese first: an ASCII fallback and the UTF-8 name.
    const title = original.session.title;
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="_ _ Demo_ education-fund plan meeting.json"; filename*=UTF-8''${encodeURIComponent(title.replace(/[/:]/g, '_').replace(/_{2,}/g, '_'))}.json`,
    );
    const text = await res.text();
    const doc = JSON.parse(text) as { title: string; participants: unknown[]; utterances: unknown[] };
    expect(Object.keys(doc)).toEqual(['title', 'participants', 'utterances']);
    expect(doc.title).toBe(title);

    const again = await api(server.url, 'POST', '/api/transcripts?filename=exported.json', undefined, text);
    expect(again.status).toBe(201);
    expect(again.body.format).toBe('json');
    expect(again.body.warnings).toEqual([]);
    const copy = (await api(server.url, 'GET', `/api/sessions/${again.body.session.id as string}`)).body as SessionSnapshot;
    expect(copy.session.id).not.toBe(id);
    expect(essence(copy)).toEqual(essence(original));

    // The file `analyze` reads, to the same analysis.
    const file = path.join(dir, 'exported.json');
    fs.writeFileSync(file, text);
    const out: string[] = [];
    expect(await main(['analyze', file, '--json'], { out: (s) => void out.push(s), err: () => {} })).toBe(0);
    expect(essence(JSON.parse(out.join('')) as SessionSnapshot)).toEqual(essence(original));
    // analyze builds its snapshot as the server does; a file carries no coach labels.
    expect((JSON.parse(out.join('')) as SessionSnapshot).corrections).toEqual([]);
  });

  it('answers 404 for an unknown session and 400 for a malformed id, as the other routes', async () => {
    const missing = await api(server.url, 'GET', '/api/sessions/s_nope/transcript');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await api(server.url, 'GET', `/api/sessions/${'x'.repeat(300)}/transcript`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('sessionId');
  });

  it('exports a session without turns as an empty list, its participants kept', async () => {
    const created = await api(server.url, 'POST', '/api/sessions', { title: 'Q3/Q4: review', participants: [{ name: 'Li', role: 'customer' }] });
    const res = await fetch(`${server.url}/api/sessions/${created.body.session.id as string}/transcript`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Q3_Q4_ review.json"');
    expect(await res.json()).toEqual({ title: 'Q3/Q4: review', participants: [{ name: 'Li', role: 'customer' }], utterances: [] });
  });
});
