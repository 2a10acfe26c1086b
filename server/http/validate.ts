// Parses request parts with zod and turns failures into ValidationError naming the field;
// reads JSON bodies, refusing a body that is not declared as JSON.
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { MediaMsSchema, zodToApiError } from '../../protocol/protocol';
import { AppError, ValidationError } from '../errors/errors';

/** `prefix`: the field the value is (`query`, `sessionId`); none: the request body, whose own problems name `body`. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const { code: _code, message, ...details } = zodToApiError(r.error, prefix, prefix === '' ? 'body' : undefined, value);
    throw new ValidationError(message, details);
  }
  return r.data;
}

/**
 * express.json, then a 415 for a body sent with another content type: express.json leaves
 * such a body unread, and the route would carry on as if none had been sent (`curl -d`
 * sends form-urlencoded: POST /api/sessions created an "Untitled session", its title lost).
 * No body at all is fine.
 */
export function jsonBody(limit: string | number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const length = req.headers['content-length'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    if (req.body === undefined && hasBody) {
      const type = req.headers['content-type'];
      throw new AppError('unsupported_media_type', `content-type must be application/json for this body, got ${type ? `"${type}"` : 'none'}`, 415, { field: 'content-type' });
    }
    next();
  };
  return [utf8Json, express.json({ limit }), requireJson];
}

/** A JSON content type (`application/json`, any case, with or without parameters): what express.json reads. */
export function isJsonType(contentType: string | undefined): boolean {
  return /^\s*application\/json\s*(;|$)/i.test(contentType ?? '');
}

/**
 * A JSON body's charset must be utf-8 (or none). express.json refuses `latin1` with a 415 but
 * decodes every `utf-*` (`utf-16le`, `utf-32`): `{}` sent as `charset=utf-16le` was read as
 * "絻" and answered 400 invalid_json, not the 415 naming content-type the docs promise.
 */
export const utf8Json: RequestHandler = (req, _res, next) => {
  const type = req.headers['content-type'];
  const charset = isJsonType(type) ? /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(type ?? '')?.[1] : undefined;
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    throw new AppError('unsupported_media_type', `content-type charset "${charset.slice(0, 40)}" is not supported; send utf-8 (or no charset)`, 415, { field: 'content-type' });
  }
  next();
};

/**
 * An id in the path (a turn's, a cue's): a positive whole number. Checked as digits before it
 * becomes a number, so `1.5`, `1e3`, ` 7` and `0x10` are refused rather than read as some other
 * id; at most 15 digits, so it is exact as a JavaScript number. `what` ends the message:
 * "the id of one of the session's turns".
 */
export function positiveIdParam(what: string) {
  return z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, {
      error: (issue) => `must be a positive whole number (${what}), got ${JSON.stringify(String(issue.input).slice(0, 40))}`,
    })
    .transform(Number);
}

/** A media time in the query string, in digits only: coercion read `mediaMs=` (empty) as 0 and `0x10` as 16. */
export const MediaMsQuery = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required (media time in ms)' : 'must be given once') })
  .regex(/^\d+$/, 'must be a whole number of milliseconds, in digits')
  .transform(Number)
  .pipe(MediaMsSchema);
