// SessionService's coach corrections without transports: what is stored, what is refused (and
// then nothing is stored or published), what the listeners hear, and that a role change's
// re-analysis leaves the labels alone. A stand-in classifier keeps it fast; the store is real.
import { SqliteStore } from '../store/sqliteStore';
import { keywordStandIn } from '../signals/verbal/keywordStandIn.testkit';
import { SessionService, type SessionEvent } from './sessionService';
import { refusal } from '../errors/refusal.testkit';

/** "price" in the text: a price question (0.8); anything else neutral. */
const classifier = keywordStandIn();

function setup() {
  const store = new SqliteStore(':memory:');
  let wall = 1_000;
  const service = new SessionService({ store, classifier, now: () => wall });
  const events: SessionEvent[] = [];
  service.onEvent((e) => void (e.type === 'corrected' && events.push(e)));
  const id = service.createSession({ participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] }).id;
  service.uploadNow(id, [
    { speaker: 'Ada', text: 'Here is the plan.', startMs: 0 },
    { speaker: 'Li', text: 'What is the price?', startMs: 1000 },
    { speaker: 'Mo', text: 'I just listen.', startMs: 2000 },
  ], []);
  const [ada, li, mo] = service.snapshot(id).utterances;
  return { store, service, events, id, ada: ada!, li: li!, mo: mo!, tick: (ms: number) => (wall += ms) };
}


describe('SessionService corrections', () => {
  it('stores a label with the time given, replaces it, and publishes each; an empty note is none', () => {
    const { service, events, id, li } = setup();
    const first = service.correct(id, li.id, { label: 'neutral', note: 'asks in passing' }, 5_000);
    expect(first).toEqual({ sessionId: id, utteranceId: li.id, label: 'neutral', note: 'asks in passing', correctedAt: 5_000 });
    const second = service.correct(id, li.id, { label: 'discount_request', note: '' }, 6_000);
    expect(second).toEqual({ sessionId: id, utteranceId: li.id, label: 'discount_request', note: null, correctedAt: 6_000 });
    expect(service.snapshot(id).corrections).toEqual([second]);
    expect(events).toEqual([
      { type: 'corrected', sessionId: id, utteranceId: li.id, correction: first },
      { type: 'corrected', sessionId: id, utteranceId: li.id, correction: second },
    ]);
    // The stored analysis is untouched: still the model's price question.
    expect(service.snapshot(id).signals).toMatchObject([{ utteranceId: li.id, label: 'price_inquiry' }]);
  });

  it('refuses an unknown session, a turn not in the session, and a turn that is not a customer\'s, storing and publishing nothing', () => {
    const { service, events, id, ada, li, mo } = setup();
    const other = service.createSession({ participants: [{ name: 'Wu', role: 'customer' }] }).id;
    service.uploadNow(other, [{ speaker: 'Wu', text: 'price?', startMs: 0 }], []);
    const wu = service.snapshot(other).utterances[0]!;

    expect(refusal(() => service.correct('nope', li.id, { label: 'neutral' }, 1)).toApi()).toEqual({ code: 'not_found', field: 'sessionId', message: 'session "nope" does not exist' });
    expect(refusal(() => service.correct(id, wu.id, { label: 'neutral' }, 1)).toApi()).toEqual({
      code: 'not_found', field: 'utteranceId', message: `utteranceId: turn ${wu.id} is not a turn of session "${id}"`,
    });
    expect(refusal(() => service.correct(id, 999_999, { label: 'neutral' }, 1)).status).toBe(404);
    const rep = refusal(() => service.correct(id, ada.id, { label: 'neutral' }, 1));
    expect(rep.status).toBe(409);
    expect(rep.toApi()).toEqual({ code: 'not_customer', field: 'utteranceId', message: 'utteranceId: only customer turns carry buying signals; "Ada" has role rep' });
    const none = refusal(() => service.correct(id, mo.id, { label: 'neutral' }, 1));
    expect(none.toApi()).toMatchObject({ code: 'not_customer', message: 'utteranceId: only customer turns carry buying signals; "Mo" has no role yet: assign one first (PUT /roles)' });
    expect(service.snapshot(id).corrections).toEqual([]);
    expect(service.snapshot(other).corrections).toEqual([]);
    expect(events).toEqual([]);
  });

  it('removes a label (published with correction null) and says false, publishing nothing, when there was none; unknown ids are 404', () => {
    const { service, events, id, li } = setup();
    service.correct(id, li.id, { label: 'neutral' }, 1);
    events.length = 0;
    expect(service.removeCorrection(id, li.id)).toBe(true);
    expect(events).toEqual([{ type: 'corrected', sessionId: id, utteranceId: li.id, correction: null }]);
    expect(service.removeCorrection(id, li.id)).toBe(false);
    expect(events).toHaveLength(1);
    expect(service.snapshot(id).corrections).toEqual([]);
    expect(refusal(() => service.removeCorrection('nope', li.id)).toApi().field).toBe('sessionId');
    expect(refusal(() => service.removeCorrection(id, 999_999)).toApi().field).toBe('utteranceId');
  });

  it('keeps labels through role changes (both re-analysis paths); a label on a turn no longer a customer\'s stays, can be removed, and leaves the export', async () => {
    const { service, id, li, mo } = setup();
    service.correct(id, li.id, { label: 'neutral' }, 1);
    await service.setRoles(id, { Mo: 'customer' });
    service.correct(id, mo.id, { label: 'resistance', note: 'means no' }, 2);
    service.setRolesNow(id, { Ada: 'rep' });
    expect((await service.reanalyse(id)).snapshot.corrections.map((c) => c.utteranceId)).toEqual([li.id, mo.id]);
    expect(service.correctionsForExport(id).map((r) => r.correction.utteranceId)).toEqual([li.id, mo.id]);

    await service.setRoles(id, { Mo: 'rep' });
    expect(service.snapshot(id).corrections.map((c) => c.utteranceId)).toEqual([li.id, mo.id]);
    expect(service.correctionsForExport(id).map((r) => r.correction.utteranceId)).toEqual([li.id]);
    expect(service.correctionsForExport().map((r) => r.correction.utteranceId)).toEqual([li.id]);
    // Not a customer's now, so it takes no new label, but its old one can go.
    expect(refusal(() => service.correct(id, mo.id, { label: 'neutral' }, 3)).code).toBe('not_customer');
    expect(service.removeCorrection(id, mo.id)).toBe(true);
    expect(refusal(() => service.correctionsForExport('nope')).status).toBe(404);
  });

  it('hands routes its clock', () => {
    const { service, tick } = setup();
    expect(service.now()).toBe(1_000);
    tick(5);
    expect(service.now()).toBe(1_005);
  });
});
