// The one place HTTP errors become responses: typed errors (and the pose errors mapError.ts
// types) keep their status and message, body-parser limits become 413 naming the limit,
// anything else is a 500 without internals.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { toApiError, toAppError } from '../errors/mapError';

export function errorHandler(log: (msg: string) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const e = err as { type?: string; limit?: number; status?: number; message?: string };
    const app = toAppError(err);
    if (app) {
      res.status(app.status).json({ error: app.toApi() });
    } else if (e.type === 'entity.too.large') {
      res.status(413).json({
        error: { code: 'too_large', field: 'body', message: `request body is larger than the limit of ${e.limit} bytes`, ...(typeof e.limit === 'number' ? { limit: e.limit } : {}) },
      });
    } else if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'invalid_json', field: 'body', message: `request body is not valid JSON: ${e.message}` } });
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: { code: 'bad_request', message: e.message ?? 'bad request' } });
    } else {
      log(`internal error: ${err instanceof Error ? err.stack : String(err)}`);
      res.status(500).json({ error: toApiError(err) });
    }
  };
}

export const notFoundApi: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
};
