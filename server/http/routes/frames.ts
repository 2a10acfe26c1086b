// Posture input over HTTP: landmarks computed elsewhere, or video frames (JPEG, PNG, WebP)
// for the server's pose estimator — one raw image per request, or a JSON batch.
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { LandmarksInSchema, LIMITS_POSTURE, MediaMsSchema, PersonBoxSchema, PersonHintSchema, SessionIdSchema, SpeakerSchema } from '../../../protocol/protocol';
import { toAppError } from '../../errors/mapError';
import type { FrameOutcome, FrameService } from '../../frames/frameService';
import type { SessionService } from '../../pipeline/sessionService';
import { checkImageHeader } from '../../signals/pose/sniff';
import { ASPECT_MAX, clampPoseIn } from '../../signals/pose/fromLandmarks';
import { isJsonType, jsonBody, MediaMsQuery, parseOr400, utf8Json } from '../validate';

const LandmarksBody = LandmarksInSchema.omit({ sessionId: true });
/** A batch; its errors name the frame (`3.mediaMs`). One schema per shape: a union's error names no field. */
const LandmarksBatch = z
  .array(LandmarksBody)
  .min(1, `a batch must hold 1-${LIMITS_POSTURE.framesPerRequestMax} frames; it is empty`)
  .max(LIMITS_POSTURE.framesPerRequestMax, `at most ${LIMITS_POSTURE.framesPerRequestMax} frames per request`);

/** `?person=xMin,yMin,width,height` (0..1): a person box; `none`: null. */
export const PersonQuery = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    if (v === 'none') return null;
    // Number('') is 0: an empty part (`,0.2,0.5,0.5`) is refused, not read as 0.
    const n = v.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
    const box = PersonBoxSchema.safeParse(n.length === 4 ? { xMin: n[0], yMin: n[1], width: n[2], height: n[3] } : undefined);
    if (box.success) return box.data;
    ctx.addIssue({ code: 'custom', message: 'must be "xMin,yMin,width,height" with numbers in 0..1 inside the image, or "none"' });
    return z.NEVER;
  });

const FrameQuery = z.object({
  participant: SpeakerSchema,
  mediaMs: MediaMsQuery,
  wait: z.enum(['0', '1', 'true', 'false']).optional(),
  /** Sets the participant's person box; `none` clears it. */
  person: PersonQuery,
});

const FrameBatch = z
  .object({
    frames: z
      .array(z.object({ participant: SpeakerSchema, mediaMs: MediaMsSchema, image: z.base64('must be base64-encoded image bytes'), person: PersonHintSchema }).strict())
      .min(1, `must hold 1-${LIMITS_POSTURE.framesPerRequestMax} frames; it is empty`)
      .max(LIMITS_POSTURE.framesPerRequestMax, `at most ${LIMITS_POSTURE.framesPerRequestMax} frames per request`),
  })
  .strict();

/** Frames a `GET /landmarks` page holds at most, and by default. */
export const LANDMARKS_PAGE_MAX = 1000;
export const LANDMARKS_PAGE_DEFAULT = 500;

const digits = (what: string) =>
  z
    .string({ error: 'must be given once' })
    .regex(/^\d+$/, `must be ${what}, in digits`)
    .transform(Number);

/** `GET /landmarks?after=&limit=`: a page of the stored frames, in stored order. */
const StoredLandmarksQuery = z
  .object({
    after: digits('a frame id (0: from the first)')
      .pipe(z.number().max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`))
      .optional(),
    limit: digits(`a number of frames, 1-${LANDMARKS_PAGE_MAX}`)
      .pipe(z.number().int().min(1, 'must be at least 1').max(LANDMARKS_PAGE_MAX, `must be at most ${LANDMARKS_PAGE_MAX}`))
      .optional(),
  });

/** Base64 inflates by 4/3: the JSON limit leaves room for a full batch of large frames. */
const BATCH_LIMIT_BYTES = 24 * 1024 * 1024;

export function framesRouter(service: SessionService, frames: FrameService): Router {
  const r = Router({ mergeParams: true });
  const sessionId = (raw: unknown) => parseOr400(SessionIdSchema, raw, 'sessionId');

  r.post('/landmarks', ...jsonBody('2mb'), (req, res) => {
    const id = sessionId((req.params as { id: string }).id);
    const list = Array.isArray(req.body) ? parseOr400(LandmarksBatch, req.body) : [parseOr400(LandmarksBody, req.body)];
    const results = service.addLandmarksBatch(id, list, 'browser');
    res.status(201).json({ frames: results.map((x) => ({ frameId: x.frameId, signals: x.signals, cues: x.cues })) });
  });

  r.get('/landmarks', (req, res) => {
    const id = sessionId((req.params as { id: string }).id);
    // An unknown session is a 404 whatever the query says, as for POST /frames.
    service.requireSession(id);
    const q = parseOr400(StoredLandmarksQuery, req.query, 'query');
    const page = service.storedFrames(id, q.after ?? 0, q.limit ?? LANDMARKS_PAGE_DEFAULT);
    res.json({
      // Frames the server estimated before it clamped its poses come back in the input ranges,
      // so a replay can send them again.
      frames: page.frames.map((f) => ({
        frameId: f.id, participant: f.participant, mediaMs: f.mediaMs, source: f.source, poses: f.poses.map(clampPoseIn),
        ...(f.aspect !== undefined ? { aspect: Math.min(ASPECT_MAX, f.aspect) } : {}),
        ...(f.person !== undefined ? { person: f.person } : {}),
      })),
      next: page.next,
    });
  });

  r.post('/frames', utf8Json, express.raw({ type: (req) => !isJsonType(req.headers['content-type']), limit: LIMITS_POSTURE.frameMaxBytes }), express.json({ limit: BATCH_LIMIT_BYTES }), async (req, res) => {
    const id = sessionId((req.params as { id: string }).id);
    service.requireSession(id);
    // A request with no body at all (no Content-Length, no chunks) is read by no parser: it is
    // an empty image like one with Content-Length: 0, not a JSON batch missing its object.
    const image = Buffer.isBuffer(req.body) ? req.body : req.body === undefined && !isJsonType(req.headers['content-type']) ? Buffer.alloc(0) : undefined;
    if (image) {
      const q = parseOr400(FrameQuery, req.query, 'query');
      // Empty, too large or not JPEG/PNG/WebP: refused now, also without wait=1 (whose 202 says only "queued").
      checkImageHeader(image, LIMITS_POSTURE.frameMaxBytes);
      const { stats, done } = frames.submit(id, q.participant, q.mediaMs, image, q.person);
      if (q.wait !== '1' && q.wait !== 'true') {
        res.status(202).json({ stats });
        return;
      }
      sendOutcome(res, await done);
      return;
    }
    const batch = parseOr400(FrameBatch, req.body);
    // Checked whole (participant limit, frames held) before any frame is queued.
    const submitted = frames.submitBatch(id, batch.frames.map((f) => ({ participant: f.participant, mediaMs: f.mediaMs, bytes: Buffer.from(f.image, 'base64'), ...(f.person !== undefined ? { person: f.person } : {}) })));
    const outcomes = await Promise.all(submitted.map((s) => s.done));
    res.status(201).json({ frames: outcomes.map(describe) });
  });
  return r;
}

function describe(o: FrameOutcome) {
  if (o.status === 'processed') return { status: o.status, frameId: o.result.frameId, persons: o.persons, signals: o.result.signals, cues: o.result.cues };
  if (o.status === 'dropped') return { status: o.status };
  const e = toAppError(o.error)?.toApi() ?? { code: 'internal', message: 'the frame could not be processed' };
  return { status: o.status, error: e };
}

function sendOutcome(res: Response, o: FrameOutcome): void {
  // The error handler answers typed errors (a bad image, missing pose weights) with their status, anything else with 500.
  if (o.status === 'failed') throw o.error;
  res.status(o.status === 'processed' ? 201 : 200).json(describe(o));
}
