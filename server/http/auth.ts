// An access token for a server shared on the network (as Jupyter does it): every request but
// the health check must carry it, as `Authorization: Bearer TOKEN` (tools) or in a cookie the
// server sets (browsers). A browser gets the cookie by opening the address the server printed
// at start, `/?token=TOKEN`: the server sets the cookie and sends it on to the same address
// without the token, so the token does not stay in the address bar or the history. The
// socket.io handshake is same-origin, so the browser sends the cookie there too.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/errors';

/** Every token cookie's name starts so; the rest comes from the token (tokenCookie). */
export const TOKEN_COOKIE = 'buying_signals_token';

/**
 * The cookie a token lives in: named after a hash of the token, because cookies belong to a host
 * name, not a port, so two servers on one machine would otherwise overwrite each other's.
 */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}_${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}
export const TOKEN_MIN_CHARS = 16;
export const TOKEN_MAX_CHARS = 256;

/** Paths any client may read without the token (load balancers, monitoring). */
const OPEN_PATHS = new Set(['/api/health']);

/** A new random token: 24 bytes, base64url (32 characters). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Why `token` cannot be one, or null: length and characters (it travels in headers, cookies and URLs). */
export function tokenProblem(token: string): string | null {
  if (token.length < TOKEN_MIN_CHARS || token.length > TOKEN_MAX_CHARS) {
    return `the token must be ${TOKEN_MIN_CHARS} to ${TOKEN_MAX_CHARS} characters long, got ${token.length}`;
  }
  if (!/^[A-Za-z0-9._~-]+$/.test(token)) return "the token may hold only letters, digits and '.', '_', '~', '-'";
  return null;
}

/** Compares in constant time (a timing difference would let a caller guess it byte by byte). */
export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The tokens a request carries: `Authorization: Bearer …` alone when it has one, else the value
 * of every token cookie (another server's, or a stale one, may sit beside this one's). An
 * Authorization header of another scheme (Basic, for a reverse proxy in front) hides no cookie.
 */
export function requestTokens(headers: IncomingHttpHeaders): string[] {
  const auth = headers.authorization;
  if (auth !== undefined && /^Bearer\s/i.test(auth)) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m?.[1] !== undefined ? [m[1]] : [];
  }
  const found: string[] = [];
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, Math.max(eq, 0)).trim();
    if (eq > 0 && (name === TOKEN_COOKIE || name.startsWith(`${TOKEN_COOKIE}_`))) found.push(part.slice(eq + 1).trim());
  }
  return found;
}

/** Whether the request carries `token` (see requestTokens). */
export function carriesToken(headers: IncomingHttpHeaders, token: string): boolean {
  return requestTokens(headers).some((t) => sameToken(t, token));
}

const unauthorized = () =>
  new AppError(
    'unauthorized',
    "this server needs its access token: open the address it printed at start (…/?token=…), or send 'Authorization: Bearer TOKEN'",
    401,
    { field: 'token' },
  );

/** Lets through requests with the token (and the open paths); takes `?token=` on a GET and turns it into the cookie. */
export function tokenGuard(token: string): RequestHandler {
  return (req, res, next) => {
    const query = req.query.token;
    if (req.method === 'GET' && query !== undefined) {
      if (typeof query !== 'string' || !sameToken(query, token)) throw unauthorized();
      const url = new URL(req.originalUrl, 'http://x');
      url.searchParams.delete('token');
      // Lax, not Strict: a link to the server followed from another site (a chat message) is a
      // top-level GET and should open the page; writes from other sites are refused by the Origin
      // check, and Lax cookies ride on no cross-site request but such navigations.
      res.cookie(tokenCookie(token), token, { httpOnly: true, sameSite: 'lax', path: '/' });
      // A path that begins with '//' (e.g. '/.//evil.example' once resolved) would make the
      // Location protocol-relative, sending the browser to another host: keep it on this one.
      res.redirect(303, url.pathname.replace(/^\/{2,}/, '/') + url.search);
      return;
    }
    if (OPEN_PATHS.has(req.path) || carriesToken(req.headers, token)) return next();
    throw unauthorized();
  };
}
