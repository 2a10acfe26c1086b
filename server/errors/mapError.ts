// The one place anything thrown below the transports gets its wire code and status, for HTTP
// (errorHandler) and socket.io (acks, session_error) alike: typed AppErrors keep theirs; the
// pose module's plain errors become 503s (missing weights name the command that brings them,
// a crashed worker may be retried); anything else is `internal`, without internals.
import type { ApiError } from '../../protocol/protocol';
import { PoseModelMissingError } from '../signals/pose/errors';
import { PoseWorkerError } from '../signals/pose/pool';
import { AppError } from './errors';

/** The AppError an error answers as, or undefined when it is internal (HTTP 500). */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  // Its message names the missing files and `npm run models`.
  if (err instanceof PoseModelMissingError) return new AppError('pose_model_missing', err.message, 503);
  if (err instanceof PoseWorkerError) return new AppError('pose_worker_failed', `${err.message}; send it again`, 503);
  return undefined;
}

/** Converts anything thrown into the wire error shape without leaking internals. */
export function toApiError(err: unknown): ApiError {
  return toAppError(err)?.toApi() ?? { code: 'internal', message: 'internal error: the request was not completed' };
}
