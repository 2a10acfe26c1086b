// The one place HTTP errors become responses: typed errors (and the pose errors mapError.ts
// types) keep their status and message, body-parser limits become 413 naming the limit,
// anything else is a 500 without internals.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { toApiError, toAppError } from '../errors/mapError';

export function errorHandler(log: (msg: string) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { type?: string; limit?: number; status?: number; code?: unknown; message?: string; body?: unknown; charset?: string; encoding?: string };
    // A route may have named its file's type before it failed (a byte range past the end of a
    // pose model was answered as text/javascript or application/octet-stream): the answer is JSON.
    if (!res.headersSent) {
      res.removeHeader('Content-Type');
      res.removeHeader('Content-Disposition');
    }
    const app = toAppError(err);
    if (app) {
      res.status(app.status).json({ error: app.toApi() });
    } else if (e.type === 'entity.too.large') {
      res.status(413).json({
        error: { code: 'too_large', field: 'body', message: `request body is larger than the limit of ${e.limit} bytes`, ...(typeof e.limit === 'number' ? { limit: e.limit } : {}) },
      });
    } else if (e.type === 'entity.parse.failed') {
      // express.json's strict mode refuses JSON that is not an object or array (`null`, `"x"`, `42`) as if it were not JSON.
      const notObject = parsedJson(e.body);
      if (notObject.ok) {
        res.status(400).json({ error: { code: 'invalid_input', field: 'body', message: `body: must be a JSON object, got ${describeJson(notObject.value)}` } });
      } else {
        res.status(400).json({ error: { code: 'invalid_json', field: 'body', message: `request body is not valid JSON: ${e.message}` } });
      }
    } else if (e.type === 'charset.unsupported') {
      res.status(415).json({
        error: { code: 'unsupported_media_type', field: 'content-type', message: `content-type charset "${String(e.charset).slice(0, 40)}" is not supported; send utf-8 (or no charset)` },
      });
    } else if (e.type === 'encoding.unsupported') {
      res.status(415).json({
        error: { code: 'unsupported_media_type', field: 'content-encoding', message: `content-encoding "${String(e.encoding).slice(0, 40)}" is not supported; send identity, gzip, deflate or br` },
      });
    } else if (e.status === 400 && typeof e.code === 'string' && /^(Z_|ERR_BROTLI|ERR__ERROR)/.test(e.code)) {
      // zlib could not inflate a body sent with Content-Encoding: the answer said only "incorrect header check"
      // (brotli's codes are ERR__ERROR_FORMAT_…, ERR_BROTLI_…: it said "Decompression failed").
      const encoding = String(req.headers['content-encoding'] ?? '').slice(0, 40);
      res.status(400).json({
        error: { code: 'bad_request', field: 'content-encoding', message: `content-encoding: the body is not valid ${encoding} data (${e.message ?? 'it could not be decoded'}); send it encoded as the header says, or without content-encoding` },
      });
    } else if (err instanceof URIError && e.status === 400) {
      // The router's "Failed to decode param '%E0%A4%A'" named no field: the path parameters are a session id and a turn's, a cue's, a frame's or a comment's id.
      const field = !req.path.startsWith('/api/sessions/') ? 'path' : undecodable(req.path.split('/')[3]) ? 'sessionId'
        : /^\/api\/sessions\/[^/]*\/utterances\//.test(req.path) ? 'utteranceId' : /^\/api\/sessions\/[^/]*\/cues\//.test(req.path) ? 'cueId'
        : /^\/api\/sessions\/[^/]*\/posture-labels\//.test(req.path) ? 'frameId'
        : /^\/api\/sessions\/[^/]*\/comments\//.test(req.path) ? 'commentId' : 'sessionId';
      res.status(400).json({ error: { code: 'bad_request', field, message: `${field}: ${e.message ?? 'bad percent-encoding'}; escape it as UTF-8 percent-encoding` } });
    } else if (e.status === 416) {
      // A Range header beyond the file (static files, pose models); Content-Range names its size.
      res.status(416).json({ error: { code: 'range_not_satisfiable', field: 'range', message: `range: "${String(req.headers.range).slice(0, 60)}" is not within the file; ask for bytes it has, or send no Range` } });
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      // Codes by status, so each is one the docs list with that status.
      const code = e.status === 413 ? 'too_large' : e.status === 415 ? 'unsupported_media_type' : 'bad_request';
      res.status(e.status).json({ error: { code, message: e.message ?? 'bad request' } });
    } else {
      log(`internal error: ${err instanceof Error ? err.stack : String(err)}`);
      res.status(500).json({ error: toApiError(err) });
    }
  };
}

export const notFoundApi: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.originalUrl.split('?')[0]}` } });
};

function undecodable(segment: string | undefined): boolean {
  try {
    decodeURIComponent(segment ?? '');
    return false;
  } catch {
    return true;
  }
}

function parsedJson(body: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof body !== 'string' || body.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'a string';
  return typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'a boolean' : typeof v;
}
