// `GET /api/quality`: the running models measured on the labels coaches stored (every session's,
// or `?session=ID`'s), as `eval verbal`, `eval cues` and `eval posture` measure the downloaded
// rows (server/eval/quality.ts). `?rows=N`: at most the newest N corrections.
import { Router } from 'express';
import { z } from 'zod';
import { SessionIdSchema } from '../../../protocol/protocol';
import { QUALITY_ROWS_DEFAULT, QUALITY_ROWS_MAX, type Quality } from '../../../protocol/quality';
import { measureQuality } from '../../eval/quality';
import type { SessionService } from '../../pipeline/sessionService';
import type { PostureClassifier } from '../../signals/posture/model';
import { parseOr400 } from '../validate';

const once = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? `is required (${what})` : `must be given once (${what})`) });

/** Other keys are ignored, as on the other query routes. */
export const QualityQuery = z.object({
  session: SessionIdSchema.optional(),
  rows: z
    .string(once('how many of the newest corrections to measure'))
    .regex(/^[1-9][0-9]{0,5}$/, `must be a whole number of corrections from 1 to ${QUALITY_ROWS_MAX}, in digits`)
    .transform(Number)
    .pipe(z.number().max(QUALITY_ROWS_MAX, `must be at most ${QUALITY_ROWS_MAX}`))
    .optional(),
});

export interface QualityDeps {
  service: SessionService;
  posture?: PostureClassifier | undefined;
  /** The running models' folders (manifest, metrics.json); absent: their training figures are not shown. */
  modelDirs?: { verbal: string; posture: string } | undefined;
}

export function qualityRouter(deps: QualityDeps): Router {
  const r = Router();
  // The same question asked while it is being answered shares the answer under way: a page
  // refreshed twice, or two analysts, do not measure a big store twice at once.
  const underWay = new Map<string, Promise<Quality>>();
  r.get('/', async (req, res) => {
    const q = parseOr400(QualityQuery, req.query, 'query');
    const session = q.session ?? null;
    if (session !== null) deps.service.requireSession(session);
    const rowsCap = q.rows ?? QUALITY_ROWS_DEFAULT;
    const key = `${session ?? ''}\n${rowsCap}`;
    let pending = underWay.get(key);
    if (!pending) {
      const { service } = deps;
      const sessionId = session ?? undefined;
      pending = measureQuality({
        session,
        corrections: service.correctionsForExport(sessionId),
        rowsCap,
        cueReviews: service.cueReviewsForExport(sessionId),
        postureLabels: service.postureLabelsForExport(sessionId),
        verbal: service.verbalClassifier,
        thresholds: service.signalThresholds,
        posture: deps.posture,
        verbalDir: deps.modelDirs?.verbal,
        postureDir: deps.modelDirs?.posture,
      }).finally(() => underWay.delete(key));
      underWay.set(key, pending);
    }
    res.json(await pending);
  });
  return r;
}
