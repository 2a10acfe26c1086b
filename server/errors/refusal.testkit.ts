// For tests: the AppError a call throws (the refusal a route would answer with).
import { AppError } from './errors';

/** The AppError `fn` throws; fails when it throws something else or nothing. */
export function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('not refused');
}
