import type { Response } from 'express';
import { errorHandler } from '../http/errorHandler';
import { PoseModelMissingError } from '../signals/pose/errors';
import { PoseWorkerError } from '../signals/pose/pool';
import { ValidationError } from './errors';
import { toApiError, toAppError } from './mapError';

/** What the HTTP error handler answers for `err`. */
function httpAnswer(err: unknown): { status: number; body: unknown } {
  const out = { status: 0, body: undefined as unknown };
  const res = { status: (s: number) => ((out.status = s), res), json: (b: unknown) => ((out.body = b), res), removeHeader: () => res } as unknown as Response;
  errorHandler(() => {})(err, {} as never, res, () => {});
  return out;
}

describe('error mapping', () => {
  it('keeps typed errors as they are', () => {
    const err = new ValidationError('speaker: too long', { field: 'speaker' });
    expect(toAppError(err)).toBe(err);
    expect(httpAnswer(err)).toEqual({ status: 400, body: { error: { code: 'invalid_input', message: 'speaker: too long', field: 'speaker' } } });
  });

  it('answers missing pose weights with 503 pose_model_missing naming `npm run models`', () => {
    const err = new PoseModelMissingError(['blazepose-lite.json'], '/nowhere/pose');
    expect(toApiError(err)).toEqual({ code: 'pose_model_missing', message: expect.stringContaining('run `npm run models`') });
    expect(httpAnswer(err)).toMatchObject({ status: 503, body: { error: { code: 'pose_model_missing', message: expect.stringContaining('/nowhere/pose: blazepose-lite.json') } } });
  });

  it('answers a crashed pose worker with a retryable 503 pose_worker_failed', () => {
    const err = new PoseWorkerError('pose worker 0 crashed (exit code 1); its jobs were not completed');
    expect(toApiError(err)).toEqual({ code: 'pose_worker_failed', message: 'pose worker 0 crashed (exit code 1); its jobs were not completed; send it again' });
    expect(httpAnswer(err).status).toBe(503);
  });

  it('hides anything else behind internal', () => {
    expect(toApiError(new Error('secret path /etc'))).toEqual({ code: 'internal', message: 'internal error: the request was not completed' });
    expect(httpAnswer(new Error('secret path /etc'))).toEqual({ status: 500, body: { error: { code: 'internal', message: 'internal error: the request was not completed' } } });
  });
});
