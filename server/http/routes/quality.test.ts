// Which session events start a new measurement for a question already being answered
// (changesMeasured): every kind sorted, a cue only at a moment holding a verdict.
import type { Cue } from '../../../protocol/protocol';
import type { SessionEvent } from '../../pipeline/sessionService';
import type { CueMoment } from '../../store/sqliteStore';
import { changesMeasured } from './quality';

const sessionId = 's1';
const cue = { id: 7, type: 'closing_moment', mediaMs: 5000 } as Cue;
/** One event of each kind; the fields the rule does not read are left out. */
const EVENTS: Record<SessionEvent['type'], SessionEvent> = {
  utterance: { type: 'utterance', sessionId } as SessionEvent,
  signal: { type: 'signal', sessionId } as SessionEvent,
  cue: { type: 'cue', sessionId, cue },
  roles_needed: { type: 'roles_needed', sessionId, speakers: ['x'] },
  reanalysed: { type: 'reanalysed', sessionId },
  frame_stats: { type: 'frame_stats', sessionId } as SessionEvent,
  corrected: { type: 'corrected', sessionId, utteranceId: 1, correction: null },
  cue_reviewed: { type: 'cue_reviewed', sessionId, cueType: 'resistance', mediaMs: 1, review: null },
  posture_labelled: { type: 'posture_labelled', sessionId, frameId: 1, labels: null },
  commented: { type: 'commented', sessionId, commentId: 1, comment: null },
  session_renamed: { type: 'session_renamed', sessionId, title: 't' },
  session_deleted: { type: 'session_deleted', sessionId },
  session_listed: { type: 'session_listed', sessionId } as SessionEvent,
};

function service(reviewed: readonly CueMoment[]) {
  const asked: CueMoment[] = [];
  return {
    asked,
    hasCueReview: (m: CueMoment) => {
      asked.push(m);
      return reviewed.some((r) => r.sessionId === m.sessionId && r.cueType === m.cueType && r.mediaMs === m.mediaMs);
    },
  };
}

test('labels, verdicts, posture labels, re-analyses and deletions change the figures; turns, signals, frames, comments, renames and the list do not', () => {
  const none = service([]);
  const changes = Object.values(EVENTS).filter((e) => changesMeasured(e, none)).map((e) => e.type).sort();
  expect(changes).toEqual(['corrected', 'cue_reviewed', 'posture_labelled', 'reanalysed', 'session_deleted']);
  // Only the cue asked the store, for its own moment.
  expect(none.asked).toEqual([{ sessionId, cueType: 'closing_moment', mediaMs: 5000 }]);
});

test('a cue changes them when a verdict waits at its moment (its cue taken away by a re-analysis), not at another moment or session', () => {
  expect(changesMeasured(EVENTS.cue, service([{ sessionId, cueType: 'closing_moment', mediaMs: 5000 }]))).toBe(true);
  expect(changesMeasured(EVENTS.cue, service([{ sessionId, cueType: 'closing_moment', mediaMs: 5001 }]))).toBe(false);
  expect(changesMeasured(EVENTS.cue, service([{ sessionId, cueType: 'resistance', mediaMs: 5000 }]))).toBe(false);
  expect(changesMeasured(EVENTS.cue, service([{ sessionId: 's2', cueType: 'closing_moment', mediaMs: 5000 }]))).toBe(false);
});
