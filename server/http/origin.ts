// Same-origin guard for requests a browser may send from another site. The client is served
// by this server, so its requests are same-origin; tools (curl, the CLI, socket.io-client in
// Node) send no Origin header and are let through. A page on another origin could otherwise
// drive the server from a LAN user's browser: a WebSocket is not subject to CORS (it could
// join a session, read its transcript and send turns), and a POST with a non-JSON content
// type needs no preflight (transcript uploads, frames and photos take any content type).
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/errors';

/** The request's Origin when it names another origin than the Host it was sent to; else null. */
export function foreignOrigin(headers: IncomingHttpHeaders): string | null {
  const origin = headers.origin;
  if (origin === undefined) return null;
  const host = headers.host;
  try {
    const o = new URL(origin);
    if ((o.protocol === 'http:' || o.protocol === 'https:') && host && new URL(`${o.protocol}//${host}`).host === o.host) return null;
  } catch {
    // "null" (sandboxed frames, file:) or garbage: not this origin
  }
  return origin;
}

/** Refuses state-changing requests from a page on another origin (403 `forbidden_origin`). */
export const sameOriginWrites: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const origin = foreignOrigin(req.headers);
  if (origin !== null) {
    throw new AppError('forbidden_origin', `requests from a page on another origin (${origin.slice(0, 200)}) are refused; use the client this server serves`, 403, { field: 'origin' });
  }
  next();
};
