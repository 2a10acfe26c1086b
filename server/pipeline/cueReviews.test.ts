// SessionService's coach cue reviews without transports: what is stored (under the cue's
// moment), what is refused (and then nothing is stored or published), what the listeners hear,
// and that a verdict outlives the cue ids a re-analysis replaces: it re-attaches to the cue made
// again at its moment, or shows cueId null while none is. A stand-in classifier keeps it fast;
// the store is real.
import { SqliteStore } from '../store/sqliteStore';
import { keywordStandIn } from '../signals/verbal/keywordStandIn.testkit';
import { SessionService, type SessionEvent } from './sessionService';
import { refusal } from '../errors/refusal.testkit';

/** "price": a price question, "expensive": resistance (0.8 each); anything else neutral. */
const classifier = keywordStandIn([[/price/i, 'price_inquiry'], [/expensive/i, 'resistance']]);

function setup() {
  const store = new SqliteStore(':memory:');
  const service = new SessionService({ store, classifier, now: () => 1_000 });
  const events: SessionEvent[] = [];
  service.onEvent((e) => void (e.type === 'cue_reviewed' && events.push(e)));
  const id = service.createSession({ participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }] }).id;
  service.uploadNow(id, [
    { speaker: 'Ada', text: 'Here is the plan.', startMs: 0 },
    { speaker: 'Li', text: 'What is the price?', startMs: 1000 },
    { speaker: 'Li', text: 'That is too expensive for us.', startMs: 100_000 },
  ], []);
  const cues = service.snapshot(id).cues;
  expect(cues.map((c) => c.type)).toEqual(['closing_moment', 'resistance']);
  return { store, service, events, id, closing: cues[0]!, resisting: cues[1]! };
}


describe('SessionService cue reviews', () => {
  it('stores a verdict under the cue\'s moment with the time given, replaces it, and publishes each; an empty note is none; the cue is untouched', () => {
    const { service, events, id, closing, resisting } = setup();
    const first = service.reviewCue(id, closing.id, { verdict: 'useful', note: 'right on time' }, 5_000);
    const moment = { sessionId: id, cueType: 'closing_moment', mediaMs: closing.mediaMs } as const;
    expect(first).toEqual({ ...moment, cueId: closing.id, verdict: 'useful', note: 'right on time', reviewedAt: 5_000 });
    const second = service.reviewCue(id, closing.id, { verdict: 'false_alarm', note: '' }, 6_000);
    expect(second).toEqual({ ...moment, cueId: closing.id, verdict: 'false_alarm', note: null, reviewedAt: 6_000 });
    const third = service.reviewCue(id, resisting.id, { verdict: 'useful' }, 7_000);
    expect(service.snapshot(id).cueReviews).toEqual([second, third]);
    expect(events).toEqual([
      { type: 'cue_reviewed', ...moment, review: first },
      { type: 'cue_reviewed', ...moment, review: second },
      { type: 'cue_reviewed', sessionId: id, cueType: 'resistance', mediaMs: resisting.mediaMs, review: third },
    ]);
    expect(service.snapshot(id).cues).toEqual([closing, resisting]);
  });

  it('refuses an unknown session, another session\'s cue and an id no cue has, storing and publishing nothing', () => {
    const { service, events, id, closing } = setup();
    const other = setupOther(service);
    expect(refusal(() => service.reviewCue('nope', closing.id, { verdict: 'useful' }, 1)).toApi()).toEqual({ code: 'not_found', field: 'sessionId', message: 'session "nope" does not exist' });
    const foreign = refusal(() => service.reviewCue(id, other.cueId, { verdict: 'useful' }, 1));
    expect(foreign.status).toBe(404);
    expect(foreign.toApi()).toEqual({
      code: 'not_found', field: 'cueId', message: `cueId: cue ${other.cueId} is not a current cue of session "${id}" (a re-analysis replaces cue ids: read the session again)`,
    });
    expect(refusal(() => service.reviewCue(id, 999_999, { verdict: 'useful' }, 1)).toApi().field).toBe('cueId');
    expect(service.snapshot(id).cueReviews).toEqual([]);
    expect(service.snapshot(other.id).cueReviews).toEqual([]);
    expect(events).toEqual([]);
  });

  it('removes a verdict by moment (published with review null) and says false, publishing nothing, when there was none; an unknown session is 404', () => {
    const { service, events, id, closing } = setup();
    service.reviewCue(id, closing.id, { verdict: 'useful' }, 1);
    events.length = 0;
    const moment = { sessionId: id, cueType: 'closing_moment', mediaMs: closing.mediaMs } as const;
    expect(service.removeCueReview(moment)).toBe(true);
    expect(events).toEqual([{ type: 'cue_reviewed', ...moment, review: null }]);
    expect(service.removeCueReview(moment)).toBe(false);
    expect(service.removeCueReview({ ...moment, cueType: 'resistance' })).toBe(false);
    expect(events).toHaveLength(1);
    expect(service.snapshot(id).cueReviews).toEqual([]);
    expect(refusal(() => service.removeCueReview({ ...moment, sessionId: 'nope' })).toApi().field).toBe('sessionId');
    expect(refusal(() => service.cueReviewsForExport('nope')).status).toBe(404);
  });

  it('keeps verdicts through re-analyses: re-attached to the new cue at the same moment, cueId null (exported without a cue) while none is emitted there, and removable then', async () => {
    const { service, id, closing, resisting } = setup();
    service.reviewCue(id, closing.id, { verdict: 'useful' }, 1);
    service.reviewCue(id, resisting.id, { verdict: 'false_alarm' }, 2);

    const { snapshot } = await service.reanalyse(id);
    const [closing2, resisting2] = snapshot.cues;
    expect(closing2!.id).not.toBe(closing.id);
    expect(snapshot.cueReviews.map((r) => [r.cueType, r.mediaMs, r.cueId, r.verdict])).toEqual([
      ['closing_moment', closing.mediaMs, closing2!.id, 'useful'],
      ['resistance', resisting.mediaMs, resisting2!.id, 'false_alarm'],
    ]);
    // The old id is gone: a verdict for it is refused (the client reads the session again).
    expect(refusal(() => service.reviewCue(id, closing.id, { verdict: 'useful' }, 3)).toApi().field).toBe('cueId');

    // Li a rep: no cues, the verdicts stay, with no cue.
    await service.setRoles(id, { Li: 'rep' });
    expect(service.snapshot(id).cues).toEqual([]);
    expect(service.snapshot(id).cueReviews.map((r) => r.cueId)).toEqual([null, null]);
    expect(service.cueReviewsForExport(id).map((r) => r.cue)).toEqual([null, null]);
    expect(service.removeCueReview({ sessionId: id, cueType: 'resistance', mediaMs: resisting.mediaMs })).toBe(true);

    // A customer again: the remaining verdict finds its moment's cue.
    service.setRolesNow(id, { Li: 'customer' });
    const closing3 = service.snapshot(id).cues[0]!;
    expect(service.snapshot(id).cueReviews).toEqual([{ sessionId: id, cueType: 'closing_moment', mediaMs: closing.mediaMs, cueId: closing3.id, verdict: 'useful', note: null, reviewedAt: 1 }]);
    expect(service.cueReviewsForExport().map((r) => r.cue?.id)).toEqual([closing3.id]);
  });
});

/** A second session with a cue of its own. */
function setupOther(service: SessionService): { id: string; cueId: number } {
  const id = service.createSession({ participants: [{ name: 'Wu', role: 'customer' }] }).id;
  service.uploadNow(id, [{ speaker: 'Wu', text: 'price?', startMs: 0 }], []);
  return { id, cueId: service.snapshot(id).cues[0]!.id };
}
