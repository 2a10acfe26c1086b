// `GET /api/quality`: the running models measured on the labels coaches stored (every session's,
// or `?session=ID`'s), as `eval verbal`, `eval cues` and `eval posture` measure the downloaded
// rows (server/eval/quality.ts). `?rows=N`: at most the newest N corrections.
import { Router } from 'express';
import { z } from 'zod';
import { SessionIdSchema } from '../../../protocol/protocol';
import { QUALITY_ROWS_DEFAULT, QUALITY_ROWS_MAX, type Quality } from '../../../protocol/quality';
import { QualityAbandonedError, QualityBusyError, QualityShuttingDownError } from '../../errors/errors';
import { measureQuality } from '../../eval/quality';
import type { SessionEvent, SessionService } from '../../pipeline/sessionService';
import type { PostureRuntime } from '../../models/postureRuntime';
import { parseOr400 } from '../validate';

const once = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? `is required (${what})` : `must be given once (${what})`) });

/** Other keys are ignored, as on the other query routes. */
export const QualityQuery = z.object({
  session: z.string(once('the session to measure')).pipe(SessionIdSchema).optional(),
  rows: z
    .string(once('how many of the newest corrections to measure'))
    .regex(/^[1-9][0-9]{0,5}$/, `must be a whole number of corrections from 1 to ${QUALITY_ROWS_MAX}, in digits`)
    .transform(Number)
    .pipe(z.number().max(QUALITY_ROWS_MAX, `must be at most ${QUALITY_ROWS_MAX}`))
    .optional(),
});

/** Different measurements run at once at most (each holds its rows and, for its resamples, a worker thread); more are 503 busy. */
export const QUALITY_MEASUREMENTS_MAX = 2;

export interface QualityDeps {
  service: SessionService;
  /** The running posture model (an analyst may switch it): held by each measurement. */
  posture?: PostureRuntime | undefined;
  /** The running models' folders (manifest, metrics.json); absent: their training figures are not shown. */
  modelDirs?: { verbal: string; posture: string } | undefined;
}

/**
 * Whether a session event can change a figure of a measurement, which reads only the labelled
 * rows (the corrections, cue verdicts and posture labels as their exports give them), never the
 * turns, signals or frames nobody labelled. So:
 * - a label, verdict or posture label given or taken away, a re-analysis or role change (it
 *   replaces the stored signals and cues the exports join, and which turns and frames are a
 *   customer's), and a deletion change them;
 * - a new turn (live or uploaded) does not: it is stored after every turn of its session (its
 *   `seq` is the next), so it is the context (the turn before) of no labelled turn, and it has
 *   no label yet; its signal is of an unlabelled turn;
 * - a new cue does only when a verdict waits at its moment (type and media time) with no cue
 *   there, as after a re-analysis took its cue away: the verdict becomes one on an emitted cue
 *   again. Its checked in the store (one indexed read); any other cue is on an unreviewed moment;
 * - a frame's stats, a comment, a rename, the session list and roles asked for change nothing.
 * A stored frame is published only as its signals and cues. A posture label's figures use its
 * frame's poses and the person last pointed at up to its media time (not the stored posture
 * signals its export also names); frames stored later in media time change neither. One stored
 * out of media order, before a labelled frame, could change the person pointed at and is not
 * seen here; it matters only to a measurement already under way, since no answer is kept once
 * given (the next question measures anew).
 */
export function changesMeasured(e: SessionEvent, service: Pick<SessionService, 'hasCueReview'>): boolean {
  switch (e.type) {
    case 'corrected':
    case 'cue_reviewed':
    case 'posture_labelled':
    case 'reanalysed':
    case 'session_deleted':
      return true;
    case 'cue':
      return service.hasCueReview({ sessionId: e.sessionId, cueType: e.cue.type, mediaMs: e.cue.mediaMs });
    case 'utterance':
    case 'signal':
    case 'frame_stats':
    case 'roles_needed':
    case 'session_renamed':
    case 'session_listed':
    case 'commented':
      return false;
    default: {
      // A new kind of event must be sorted into one of the lists above.
      const unsorted: never = e;
      return unsorted;
    }
  }
}

/**
 * The measurements under way, which the server's close stops: a measurement runs for seconds on a
 * big store, reading the store and running the models the close is about to release.
 */
export class QualityMeasurements {
  // The same question asked while it is being answered shares the answer under way: a page
  // refreshed twice, or two analysts, do not measure a big store twice at once.
  private readonly underWay = new Map<string, UnderWay>();
  /** Every measurement still running, shared or not (one whose askers all hung up is no longer shared, but runs until it stops). */
  private readonly running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();
  /**
   * Bumped by every change to what a measurement reads (changesMeasured), so a question asked
   * after a change is not handed the answer to the same question asked before it (a coach
   * removes a label, then refreshes: the answer under way still counted it); a live turn is no
   * such change, so during a meeting the same question still shares the answer under way.
   */
  private generation = 0;

  constructor(private readonly deps: QualityDeps) {
    deps.service.onEvent((e) => {
      // With nothing under way there is no answer a later question could be handed, so the live
      // path's events are not sorted at all then (a cue's sorting reads the store).
      if (this.underWay.size > 0 && changesMeasured(e, deps.service)) this.generation++;
    });
  }

  /**
   * The answer for one session (null: every session) and row cap, measured now or shared with
   * one under way. `hungUp`: aborted when this asker's client goes; a measurement all of whose
   * askers have gone is stopped (it ran on for seconds, a worker thread and a place of the
   * QUALITY_MEASUREMENTS_MAX held for nobody).
   */
  measure(session: string | null, rowsCap: number, hungUp?: AbortSignal): Promise<Quality> {
    if (this.stopping.signal.aborted) return Promise.reject(shuttingDown());
    // The running model and thresholds are part of the question: after a switch it is measured anew.
    const running = this.deps.service.holdVerbal();
    // The running posture model too, held as the verbal one (a switch meanwhile does not dispose it under the measurement).
    const posture = this.deps.posture?.hold();
    const release = () => {
      running.release();
      posture?.release();
    };
    const key = `${this.generation}\n${session ?? ''}\n${rowsCap}\n${running.id}\n${running.classifier.version}\n${JSON.stringify(running.thresholds)}\n${posture?.id ?? ''}\n${posture?.classifier.version ?? ''}`;
    let entry = this.underWay.get(key);
    if (!entry) {
      // Each one asked differently (a session, a row cap) is measured on its own: unbounded, a
      // burst of them held every store row and a worker thread per question at once.
      if (this.running.size >= QUALITY_MEASUREMENTS_MAX) {
        release();
        return Promise.reject(busy());
      }
      const { service } = this.deps;
      const sessionId = session ?? undefined;
      const abandoned = new AbortController();
      let answer: Promise<Quality>;
      try {
        answer = measureQuality({
          session,
          // All three read now, in one synchronous step: the store as it is when asked. The posture
          // labels were read a page at a time once the turns were classified, seconds later, so a
          // deletion or role change meanwhile gave an answer of two moments (a session's labelled
          // turns without its labelled frames) or, for that session, a 404 after it was accepted.
          corrections: service.correctionsForExport(sessionId),
          rowsCap,
          cueReviews: service.cueReviewsForExport(sessionId),
          postureLabels: [...service.postureLabelsForExport(sessionId)],
          // Held until the measurement ends: a switch meanwhile does not dispose it under it.
          verbal: running.classifier,
          thresholds: running.thresholds,
          posture: posture?.classifier,
          verbalDir: this.deps.modelDirs ? running.dir || this.deps.modelDirs.verbal : undefined,
          postureDir: this.deps.modelDirs ? posture?.dir || this.deps.modelDirs.posture : undefined,
          signal: AbortSignal.any([this.stopping.signal, abandoned.signal]),
        });
      } catch (err) {
        // Reading the labels failed before anything was measured: nothing holds the model now.
        release();
        throw err;
      }
      const created: UnderWay = { answer, askers: 0, abandoned };
      entry = created;
      const done = answer.then(() => undefined, () => undefined).finally(() => {
        release();
        this.running.delete(done);
        if (this.underWay.get(key) === created) this.underWay.delete(key);
      });
      this.running.add(done);
      this.underWay.set(key, created);
    } else {
      // Shared with the measurement under way, which holds the model itself.
      release();
    }
    const shared = entry;
    shared.askers++;
    if (hungUp) {
      const leave = () => {
        if (--shared.askers > 0) return;
        // Nobody waits for it: stopped, and no later asker joins it.
        if (this.underWay.get(key) === shared) this.underWay.delete(key);
        shared.abandoned.abort(new QualityAbandonedError());
      };
      if (hungUp.aborted) leave();
      else {
        hungUp.addEventListener('abort', leave, { once: true });
        void shared.answer.finally(() => hungUp.removeEventListener('abort', leave)).catch(() => {});
      }
    }
    return shared.answer;
  }

  /**
   * Runs `work` as one of the measurements under way, not shared (GET /api/quality/compare's: it
   * loads a model of its own): refused 503 busy when QUALITY_MEASUREMENTS_MAX run already (this
   * route's and GET /api/quality's together), 503 shutting_down once the server stops. `work`'s
   * signal aborts when the server stops (reason: shutting_down) or `hungUp` does (abandoned).
   */
  runAlone<T>(work: (signal: AbortSignal) => Promise<T>, hungUp?: AbortSignal): Promise<T> {
    if (this.stopping.signal.aborted) return Promise.reject(shuttingDown());
    if (this.running.size >= QUALITY_MEASUREMENTS_MAX) return Promise.reject(busy());
    const abandoned = new AbortController();
    const leave = () => abandoned.abort(new QualityAbandonedError());
    if (hungUp?.aborted) leave();
    else hungUp?.addEventListener('abort', leave, { once: true });
    let answer: Promise<T>;
    try {
      answer = work(AbortSignal.any([this.stopping.signal, abandoned.signal]));
    } catch (err) {
      hungUp?.removeEventListener('abort', leave);
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const done: Promise<void> = answer.then(() => undefined, () => undefined).finally(() => {
      this.running.delete(done);
      hungUp?.removeEventListener('abort', leave);
    });
    this.running.add(done);
    return answer;
  }

  /** The running model and thresholds, held until released (a switch meanwhile does not dispose it). */
  holdRunning(): ReturnType<SessionService['holdVerbal']> {
    return this.deps.service.holdVerbal();
  }

  /** The running model's folder (manifest, trained-rows.json). */
  runningDir(dir: string): string | undefined {
    return dir || this.deps.modelDirs?.verbal;
  }

  /**
   * Stops: the measurements under way are abandoned (their requests answered 503 shutting_down,
   * their worker threads terminated) and later ones refused. Resolves once none is running, so
   * the store may be closed and the models disposed.
   */
  async close(): Promise<void> {
    this.stopping.abort(shuttingDown());
    await Promise.allSettled([...this.running]);
  }
}

interface UnderWay {
  answer: Promise<Quality>;
  /** Requests waiting for it that have not hung up. */
  askers: number;
  abandoned: AbortController;
}

const busy = () => new QualityBusyError(QUALITY_MEASUREMENTS_MAX);
const shuttingDown = () => new QualityShuttingDownError();

export function qualityRouter(measurements: QualityMeasurements, service: SessionService): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parseOr400(QualityQuery, req.query, 'query');
    const session = q.session ?? null;
    if (session !== null) service.requireSession(session);
    // The client gone before its answer (a closed tab, an aborted fetch): the measurement need not go on for it.
    const hungUp = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) hungUp.abort();
    });
    res.json(await measurements.measure(session, q.rows ?? QUALITY_ROWS_DEFAULT, hungUp.signal));
  });
  return r;
}
