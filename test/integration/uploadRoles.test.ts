// A transcript upload that gives an existing participant a different role re-analyses the
// session as PUT /roles does (their earlier turns take the role), then takes its turns; all in
// one transaction. Through HTTP on port 0 with the real model and a real SQLite store.
import { api, useTestServer } from './harness';

const suite = useTestServer();

type U = { speaker: string; text: string; startMs: number; endMs: number };
const PART1: U[] = [
  { speaker: 'Rep Zhang', text: 'Good morning, thanks for coming in. This fund has no lock-up period.', startMs: 1000, endMs: 4000 },
  { speaker: 'Li Wei', text: 'How much does it cost to open one, and what are the fees?', startMs: 5000, endMs: 7000 },
  { speaker: 'Rep Zhang', text: 'The minimum is 10,000 and the annual fee is 0.5 percent.', startMs: 8000, endMs: 12000 },
  { speaker: 'Li Wei', text: 'That is too expensive for me, I am not sure.', startMs: 13000, endMs: 15000 },
];
const PART2: U[] = [
  { speaker: 'Rep Zhang', text: 'We can waive the first year fee for you.', startMs: 200000, endMs: 203000 },
  { speaker: 'Li Wei', text: 'Can you give me a discount if I put in 50,000?', startMs: 204000, endMs: 207000 },
  { speaker: 'Li Wei', text: 'OK, I would like to open the account today.', startMs: 210000, endMs: 212000 },
];

type Roles = { name: string; role: 'customer' | 'rep' | null }[];
const body = (utterances: U[], participants: Roles) => JSON.stringify({ participants, utterances });

async function session(): Promise<string> {
  const r = await api(suite.server.url, 'POST', '/api/sessions', { title: 'upload roles' });
  expect(r.status).toBe(201);
  return r.body.session.id as string;
}
const upload = (id: string, utterances: U[], participants: Roles) =>
  api(suite.server.url, 'POST', `/api/sessions/${id}/transcript?format=json`, undefined, body(utterances, participants));
const snapshot = async (id: string) => (await api(suite.server.url, 'GET', `/api/sessions/${id}`)).body;

/** A snapshot without ids and wall-clock fields: what two sessions analysed alike share. */
function analysis(snap: any) {
  return {
    utterances: snap.utterances.map((u: any) => [u.speaker, u.role, u.text]),
    signals: snap.signals.map((s: any) => [s.participant, s.label, s.score, s.mediaMs]),
    cues: snap.cues.map((c: any) => [c.type, c.reason, c.mediaMs, c.score, c.evidence.map((e: any) => [e.kind, e.label, e.mediaMs, e.text])]),
  };
}

/** The same turns uploaded at once with the final roles. */
async function oneShot(participants: Roles, utterances = [...PART1, ...PART2]) {
  const id = await session();
  expect((await upload(id, utterances, participants)).status).toBe(201);
  return analysis(await snapshot(id));
}

describe('an upload that gives a participant another role', () => {
  it("two parts, the first without Li Wei's role: the second's role re-analyses the first's turns", async () => {
    const id = await session();
    const first = await upload(id, PART1, [{ name: 'Rep Zhang', role: 'rep' }]);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ signals: 0, unassignedSpeakers: ['Li Wei'] });
    const second = await upload(id, PART2, [{ name: 'Li Wei', role: 'customer' }]);
    expect(second.status).toBe(201);
    expect(second.body.unassignedSpeakers).toEqual([]);
    const snap = await snapshot(id);
    expect(snap.utterances.filter((u: any) => u.speaker === 'Li Wei').map((u: any) => u.role)).toEqual(['customer', 'customer', 'customer', 'customer']);
    // Part 1's turns of Li Wei now give signals: the price question at 5 s among them.
    expect(snap.signals.map((s: any) => s.mediaMs)).toEqual(expect.arrayContaining([5000, 13000]));
    expect(analysis(snap)).toEqual(await oneShot([{ name: 'Rep Zhang', role: 'rep' }, { name: 'Li Wei', role: 'customer' }]));
  });

  it('customer → rep: the stale signals and cues of their earlier turns go', async () => {
    const id = await session();
    const roles: Roles = [{ name: 'Rep Zhang', role: 'rep' }, { name: 'Li Wei', role: 'customer' }];
    expect((await upload(id, PART1, roles)).status).toBe(201);
    const before = await snapshot(id);
    expect(before.signals.length).toBeGreaterThan(0);
    expect(before.cues.length).toBeGreaterThan(0);
    expect((await upload(id, PART2, [{ name: 'Li Wei', role: 'rep' }])).status).toBe(201);
    const snap = await snapshot(id);
    expect(snap.utterances.map((u: any) => u.role)).toEqual(Array(PART1.length + PART2.length).fill('rep'));
    expect(snap.signals).toEqual([]);
    expect(snap.cues).toEqual([]);
    expect(snap.session.participants).toEqual([{ name: 'Rep Zhang', role: 'rep' }, { name: 'Li Wei', role: 'rep' }]);
  });

  it('an upload repeating the roles the session has does not re-analyse it (signal and cue ids stay)', async () => {
    const id = await session();
    const roles: Roles = [{ name: 'Rep Zhang', role: 'rep' }, { name: 'Li Wei', role: 'customer' }];
    expect((await upload(id, PART1, roles)).status).toBe(201);
    const before = await snapshot(id);
    expect(before.cues.length).toBeGreaterThan(0);
    expect((await upload(id, PART2, roles)).status).toBe(201);
    const after = await snapshot(id);
    expect(after.signals.slice(0, before.signals.length)).toEqual(before.signals);
    expect(after.cues.slice(0, before.cues.length)).toEqual(before.cues);
    expect(after.signals.length).toBeGreaterThan(before.signals.length);
  });

  it('a failed upload that would change a role leaves the roles and the analysis as they were', async () => {
    const id = await session();
    const roles: Roles = [{ name: 'Rep Zhang', role: 'rep' }, { name: 'Li Wei', role: 'customer' }];
    expect((await upload(id, PART1, roles)).status).toBe(201);
    const before = await snapshot(id);
    // Li Wei becomes a rep, and the file brings 49 more speakers: 51 participants, refused.
    const crowd = Array.from({ length: 49 }, (_, i) => ({ speaker: `guest ${i}`, text: 'hello', startMs: 300000 + i * 1000, endMs: 300500 + i * 1000 }));
    const bad = await upload(id, [...PART2, ...crowd], [{ name: 'Li Wei', role: 'rep' }]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('51 participants');
    expect(await snapshot(id)).toEqual(before);
    // The session's pipeline (cue engine) is as before too: the next turn continues the old
    // analysis (a buying signal 7 s after the resistance: an objection removed).
    const next: U[] = [{ speaker: 'Li Wei', text: 'Can you give me a discount if I put in 50,000?', startMs: 20000, endMs: 22000 }];
    expect((await upload(id, next, [])).status).toBe(201);
    const after = analysis(await snapshot(id));
    expect(after.cues.map((c: any) => c[1])).toContain('objection_removed');
    expect(after).toEqual(await oneShot(roles, [...PART1, ...next]));
  });
});
