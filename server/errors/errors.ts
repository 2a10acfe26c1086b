// The project's few typed errors. HTTP maps them to status codes, socket.io to error acks
// (through mapError.ts); messages say what was wrong, with which value, and what is allowed.
import type { ApiError } from '../../protocol/protocol';

/** Where an error is and, for a limit, the limit and what was found (ApiError's optional fields). */
export type ErrorDetails = Pick<ApiError, 'field' | 'line' | 'limit' | 'actual'>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toApi(): ApiError {
    return { code: this.code, message: this.message, ...this.details };
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: ErrorDetails = {}, code = 'invalid_input') {
    super(code, message, 400, details);
  }
}

/**
 * A request would bring a session past the participant limit. Carries the limit and the count
 * it would have reached (`limit`, `actual`), and the first name over the limit, so an upload
 * can name the line that brings it.
 */
export class ParticipantLimitError extends ValidationError {
  constructor(
    readonly firstOver: string,
    total: number,
    limit: number,
    details: { field: string; line?: number },
    message = `session would have ${total} participants; the limit is ${limit}`,
  ) {
    super(message, { ...details, limit, actual: total });
  }

  /**
   * The same refusal placed where the first name over the limit comes in: `where` leads the
   * message (`line 51`, `frames.2.participant`), `details` replace the field (and line).
   */
  placed(where: string, details: { field: string; line?: number }, what = ''): ParticipantLimitError {
    const { limit = 0, actual = 0 } = this.details;
    const message = `${where}: ${what}"${this.firstOver}" would be participant ${limit + 1}; the session would have ${actual} participants; the limit is ${limit}`;
    return new ParticipantLimitError(this.firstOver, actual, limit, details, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('not_found', `${what} "${id}" does not exist`, 404, { field: what === 'session' ? 'sessionId' : what });
  }
}

/** A turn id the session does not hold (no such turn, or another session's): named as `utteranceId`. */
export class TurnNotFoundError extends AppError {
  constructor(sessionId: string, utteranceId: number) {
    super('not_found', `utteranceId: turn ${utteranceId} is not a turn of session "${sessionId}"`, 404, { field: 'utteranceId' });
  }
}

/**
 * A cue id the session does not hold now (no such cue, another session's, or one a re-analysis
 * replaced): named as `cueId`.
 */
export class CueNotFoundError extends AppError {
  constructor(sessionId: string, cueId: number) {
    super('not_found', `cueId: cue ${cueId} is not a current cue of session "${sessionId}" (a re-analysis replaces cue ids: read the session again)`, 404, { field: 'cueId' });
  }
}

/**
 * A coach's label for a turn whose speaker is not a customer: only customer turns carry buying
 * signals, so a label there would train the model on what the pipeline never asks it.
 */
export class NotCustomerTurnError extends AppError {
  constructor(speaker: string, role: 'rep' | null) {
    super(
      'not_customer',
      role === null
        ? `utteranceId: only customer turns carry buying signals; "${speaker}" has no role yet: assign one first (PUT /roles)`
        : `utteranceId: only customer turns carry buying signals; "${speaker}" has role ${role}`,
      409,
      { field: 'utteranceId' },
    );
  }
}

export class TooLargeError extends AppError {
  constructor(message: string, field?: string) {
    super('too_large', message, 413, field ? { field } : {});
  }
}

/** The server is stopping: the input was not taken and may be sent again once it is back. */
export class ShuttingDownError extends AppError {
  constructor(what: string) {
    super('shutting_down', `the server is stopping: this ${what} was not stored; send it again once the server is back`, 503);
  }
}

/** GET /api/quality: as many different measurements run as may at once (`limit`); nothing is wrong with the question. */
export class QualityBusyError extends AppError {
  constructor(limit: number) {
    super(
      'busy',
      `${limit} model quality measurements are under way (the most at once): ask again once one is done (or ask the same question as one of them, which shares its answer)`,
      503,
      { limit },
    );
  }
}

/** GET /api/sessions/:id/archive: as many exports are being sent as may at once (`limit`); nothing is wrong with the question. */
export class ArchiveBusyError extends AppError {
  constructor(limit: number) {
    super('busy', `${limit} session archives are being downloaded (the most at once): ask again once one is done`, 503, { limit });
  }
}

/** GET /api/search: as many searches run as may at once (`limit`); nothing is wrong with the question. */
export class SearchBusyError extends AppError {
  constructor(limit: number) {
    super('busy', `${limit} searches are under way (the most at once): ask again in a moment`, 503, { limit });
  }
}

/**
 * GET /api/quality: every client that asked for the measurement hung up, so it was stopped. No
 * client reads it (its connection is gone); an AppError so it is not logged as an internal error.
 */
export class QualityAbandonedError extends AppError {
  constructor() {
    super('abandoned', 'every client that asked for this model quality measurement hung up, so it was stopped', 499);
  }
}

/** GET /api/quality: the server stopped while it measured (the measurement is abandoned, nothing was to be stored). */
export class QualityShuttingDownError extends AppError {
  constructor() {
    super('shutting_down', 'the server is stopping: this model quality measurement was abandoned; ask again once the server is back', 503);
  }
}

/**
 * A live turn came under a clientTurnId the session already holds for a different turn (other
 * speaker, words or times): a client bug (an id used twice), so nothing is stored.
 */
export class TurnIdConflictError extends AppError {
  /** `deleted`: the turn sent under the id was deleted by a coach (`differs` is then unused). */
  constructor(clientTurnId: string, seq: number, differs: readonly string[], deleted = false) {
    super(
      'client_turn_id_conflict',
      deleted
        ? `utterance.clientTurnId: "${clientTurnId}" was the id of turn ${seq} of this session, which a coach deleted; ` +
          'it is not stored again under that id (send it under a new clientTurnId to add it as a new turn)'
        : `utterance.clientTurnId: "${clientTurnId}" is already the id of turn ${seq} of this session, whose ${differs.join(', ')} ` +
          `${differs.length === 1 ? 'differs' : 'differ'}; a turn sent again must be the same turn, and a new turn needs a new clientTurnId`,
      409,
      { field: 'utterance.clientTurnId' },
    );
  }
}

/** A connection has as many live turns waiting for their ack as it may; it should wait for acks. */
export class TurnsInFlightError extends AppError {
  constructor(limit: number) {
    super(
      'busy',
      `at most ${limit} turns of one connection may wait for their ack at once: this one was not stored; wait for acks, then send it again`,
      503,
      { field: 'utterance' },
    );
  }
}

/** A participant name the session does not have (a coach's posture labels name one): named as `participant`. */
export class ParticipantNotFoundError extends AppError {
  constructor(sessionId: string, participant: string) {
    super('not_found', `participant: "${participant}" is not a participant of session "${sessionId}"`, 404, { field: 'participant' });
  }
}

/**
 * A coach's posture labels for a participant who is not a customer: only customers' posture
 * is read into signals, so a label there would train the classifier on what it is never asked.
 */
export class NotCustomerParticipantError extends AppError {
  constructor(participant: string, role: 'rep' | null) {
    super(
      'not_customer',
      role === null
        ? `participant: only customers carry posture signals; "${participant}" has no role yet: assign one first (PUT /roles)`
        : `participant: only customers carry posture signals; "${participant}" has role ${role}`,
      409,
      { field: 'participant' },
    );
  }
}

/**
 * No stored frame of the participant in which a person was found lies within `windowMs` of the
 * media time a coach labelled: the message gives the nearest such frame's time, or says there
 * is none. Named as `mediaMs`.
 */
export class NoFrameError extends AppError {
  constructor(participant: string, mediaMs: number, windowMs: number, nearestMs: number | undefined) {
    super(
      'no_frame',
      nearestMs === undefined
        ? `mediaMs: "${participant}" has no stored frame in which a person was found, so there is no frame to label (send their landmarks or video frames first)`
        : `mediaMs: "${participant}" has no stored frame with a person found within ${windowMs} ms of ${mediaMs} ms; the nearest is at ${nearestMs} ms`,
      404,
      { field: 'mediaMs' },
    );
  }
}

/** A comment id the session does not hold (no such comment, or another session's): named as `commentId`. */
export class CommentNotFoundError extends AppError {
  constructor(sessionId: string, commentId: number) {
    super('not_found', `commentId: comment ${commentId} is not a comment of session "${sessionId}"`, 404, { field: 'commentId' });
  }
}

/** A session holds as many comments as one may: a new one is refused (edits and removals are not). */
export class TooManyCommentsError extends AppError {
  constructor(limit: number) {
    super(
      'too_many_comments',
      `comments: this session holds ${limit} comments, the most one session may; remove or edit one instead of adding another`,
      409,
      { field: 'comments', limit },
    );
  }
}

/**
 * The demo session (id "demo", `demo: true`) is the server's built-in sample meeting, stored
 * again at a start when it is missing: it is neither renamed nor deleted (a deletion would not
 * last past the next start, and its title is the recording's). Named as `sessionId`.
 */
export class DemoSessionError extends AppError {
  constructor(what: 'renamed' | 'deleted' | 'edited') {
    const done = what === 'edited' ? 'have its turns edited or deleted' : `be ${what}`;
    super(
      'demo_session',
      `sessionId: the demo session is the server's built-in sample meeting and cannot ${done}${what === 'deleted' ? ' (the server stores it again at its next start)' : ''}; play it into a new session (Play), or start the server with --no-demo`,
      409,
      { field: 'sessionId' },
    );
  }
}

/**
 * POST /api/models/verbal/train or /api/models/posture/train while a job of either kind runs: one
 * training job at a time (it takes a core for minutes). `kind`: the running job's.
 */
export class TrainBusyError extends AppError {
  constructor(jobId: string, state: string, kind: 'verbal' | 'posture' = 'verbal') {
    super(
      'busy',
      `a ${kind} training job is ${state} (${jobId}): one training job runs at a time, verbal or posture; wait for it to end, or cancel it (DELETE /api/models/${kind}/train)`,
      409,
      { field: 'job' },
    );
  }
}

/** DELETE /api/models/<kind>/train with no job of that kind running. */
export class TrainNotRunningError extends AppError {
  constructor(last: { id: string; state: string } | null, kind: 'verbal' | 'posture' = 'verbal') {
    const what = kind === 'verbal' ? 'training job' : 'posture training job';
    super('not_running', last ? `no ${what} is running (the last one, ${last.id}, is ${last.state})` : `no ${what} is running`, 409, { field: 'job' });
  }
}

/** What a job trains on, as TooFewLabelsError words it. */
export interface LabelledNoun {
  one: string;
  many: string;
  /** What to do when there are too few at all. */
  first: string;
  /** What to do when the hold-out leaves too few. */
  more: string;
  /** Labelled items left out before counting (posture: frames whose pose cannot be measured), said beside the count. */
  leftOut?: { count: number; why: string };
}

const CUSTOMER_TURNS: LabelledNoun = { one: 'labelled customer turn', many: 'labelled customer turns', first: 'label customer turns in the transcript first', more: 'label more customer turns' };

/**
 * POST /api/models/verbal/train (or /api/models/posture/train, `noun` its frames) with fewer
 * labelled items than a job needs (`limit`; `actual` found), in one session or in all.
 */
export class TooFewLabelsError extends AppError {
  /**
   * `heldOut`: the items the request's hold-out (`percent`) keeps out; when they are what leaves
   * too few, the message says so and names holdOut (`found` counts every labelled item, `actual`
   * those that would be trained on).
   */
  constructor(found: number, min: number, session: string | null, holdOut?: { percent: number; heldOut: number }, noun: LabelledNoun = CUSTOMER_TURNS) {
    const where = session === null ? 'in any session' : `in session "${session}"`;
    const trained = found - (holdOut?.heldOut ?? 0);
    const count = (n: number) => (n === 1 ? `is 1 ${noun.one}` : `are ${n} ${noun.many}`);
    const leftOut = noun.leftOut && noun.leftOut.count > 0 ? ` (and ${noun.leftOut.count} more ${noun.leftOut.why})` : '';
    if (holdOut && holdOut.heldOut > 0 && found >= min) {
      super(
        'too_few_labels',
        `there ${count(found)} ${where}${leftOut}, but holdOut ${holdOut.percent} % keeps ${holdOut.heldOut} out for comparing, ` +
          `which leaves ${trained} to train on; a job needs at least ${min} (${noun.more}, or ask for a smaller holdOut)`,
        422,
        { field: 'holdOut', limit: min, actual: trained },
      );
      return;
    }
    // Too few even before the hold-out: the items it keeps out are said too, so the count to train on is not overstated.
    const kept = holdOut && holdOut.heldOut > 0 && found > 0
      ? `, and holdOut ${holdOut.percent} % keeps ${holdOut.heldOut} of them out for comparing, which leaves ${trained} to train on; `
      : ' to train on; ';
    super(
      found === 0 ? 'no_labels' : 'too_few_labels',
      `${found === 0 ? `there are no coaches' labels${noun === CUSTOMER_TURNS ? '' : ` (${noun.many})`}` : `there ${count(found)}`} ${where}${leftOut}${kept}` +
        `a job needs at least ${min} (${noun.first})`,
      422,
      { field: session === null ? 'labels' : 'session', limit: min, actual: found },
    );
  }
}

/**
 * POST /api/models/verbal/train (or /api/models/posture/train: `noun` its frames, `file`
 * trained-frames.json): the list of what it would train on would pass the bound its reader
 * keeps to; nothing is started.
 */
export class TooManyLabelsError extends AppError {
  constructor(rows: number, bytes: number, maxBytes: number, session: string | null, noun: Pick<LabelledNoun, 'many'> = CUSTOMER_TURNS, file = 'trained-rows.json') {
    super(
      'too_many_labels',
      `the ${rows} ${noun.many} ${session === null ? 'of every session' : `of session "${session}"`} would make the model's ${file} ${bytes} bytes, ` +
        `more than the ${maxBytes} bytes (${maxBytes / (1024 * 1024)} MiB) it may be; train on one session's labels (session) or hold more out (holdOut)`,
      422,
      { field: session === null ? 'labels' : 'session', limit: maxBytes, actual: bytes },
    );
  }
}

/** PUT /api/settings/verbal while another switch of the running model is under way (`inProgress` says what it will run). */
export class SwitchInProgressError extends AppError {
  constructor(inProgress: string, kind: 'verbal' | 'posture' = 'verbal') {
    super(
      'switch_in_progress',
      `a switch of the running ${kind} model is under way (to ${inProgress}): wait until it is done, then ask again`,
      409,
    );
  }
}

/** The server stopped: a training job is not started (or the one running was stopped). */
export class TrainShuttingDownError extends AppError {
  constructor() {
    super('shutting_down', 'the server is stopping: no training job is started; ask again once the server is back', 503);
  }
}

/** PUT /api/settings/verbal named no model of the library (GET /api/models/verbal lists them). */
export class ModelNotInLibraryError extends AppError {
  constructor(ref: string, kind: 'verbal' | 'posture' = 'verbal') {
    super(
      'not_found',
      `model: "${ref.slice(0, 200)}" is neither the id nor the version of a model in the library (GET /api/models/${kind} lists them)`,
      404,
      { field: 'model' },
    );
  }
}

/** PUT /api/settings/verbal named a version that several folders hold: it must be chosen by id. */
export class AmbiguousModelError extends AppError {
  constructor(version: string, ids: readonly string[]) {
    super(
      'ambiguous_model',
      `model: version ${version} is held by ${ids.length} folders (${ids.join(', ')}); name one by its id`,
      409,
      { field: 'model' },
    );
  }
}

/** PUT /api/settings/verbal: the chosen model's folder is listed but does not load (damaged weights, removed meanwhile); nothing changed. */
export class ModelUnloadableError extends AppError {
  constructor(id: string, problem: string) {
    super('model_unloadable', `model: ${id} cannot be loaded, so the running model was kept: ${problem}`, 422, {
      field: 'model',
    });
  }
}

/** GET /api/quality/compare named the model the server runs now: there is nothing to compare it with. */
export class SameModelError extends AppError {
  constructor(id: string, version: string) {
    super('same_model', `model: ${id} (${version}) is the model the server runs now: choose another model of the library to compare with it`, 409, { field: 'model' });
  }
}

/** GET /api/quality/compare: the model's folder is listed but does not load (damaged weights, removed meanwhile). */
export class CompareModelUnloadableError extends AppError {
  constructor(id: string, problem: string) {
    super('model_unloadable', `model: ${id} cannot be loaded, so it cannot be compared: ${problem}`, 422, { field: 'model' });
  }
}

/** GET /api/quality/compare: the running model's folder no longer holds the version the server runs (replaced meanwhile), so it cannot be measured from it. */
export class RunningModelChangedError extends AppError {
  constructor(id: string, running: string, found: string | null, problem: string | null) {
    super(
      'running_model_changed',
      `model: the running model's folder (${id}) ${found !== null ? `now holds ${found}, not the running ${running}` : `no longer loads (${problem ?? 'unknown problem'})`}, so the running model cannot be measured: ask again (after choosing the running model again if it was replaced)`,
      409,
      { field: 'model' },
    );
  }
}
