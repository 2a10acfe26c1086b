// Which names a request may address this server by. A server bound to this machine only is still
// reachable from a web page through DNS rebinding: the page's own name (evil.example) is made to
// resolve to 127.0.0.1, so to the browser the page and the server are one origin and the Origin
// check (origin.ts) passes. The Host header still names evil.example, so a loopback server
// answers only requests that address it as localhost, 127.x.x.x or [::1], and names the user
// allows (a reverse proxy's public name, say).
import type { RequestHandler } from 'express';
import { AppError } from '../errors/errors';

/** Whether `host` (an interface to bind, or a hostname) is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export interface HostCheck {
  /** Whether a request's Host header is acceptable; `undefined` (no header, HTTP/1.0 tools) always is. */
  allows(hostHeader: string | undefined): boolean;
  /** The names it answers to, for messages. */
  readonly answersTo: string;
}

export const anyHost: HostCheck = { allows: () => true, answersTo: 'any name' };

/** The hostname of a Host header ("Example.com:3000" → "example.com", "[::1]:3000" → "[::1]"), or null when it is not one. */
export function hostnameOf(hostHeader: string): string | null {
  try {
    const u = new URL(`http://${hostHeader}`);
    return u.pathname === '/' && !u.username && !u.password && !u.search && !u.hash ? u.hostname : null;
  } catch {
    return null;
  }
}

/**
 * The check for a server bound to `bindHost`: bound to this machine only, just loopback names
 * and `allowed`; bound to the network, any name unless `allowed` lists some (then those, the
 * loopback names and the bound address itself unless it is 0.0.0.0 or ::).
 */
export function hostCheck(bindHost: string, allowed: readonly string[] = []): HostCheck {
  if (!isLoopback(bindHost) && allowed.length === 0) return anyHost;
  // Bound to one address (not 0.0.0.0 or ::), that address is the one the server prints to open.
  const own = isLoopback(bindHost) || bindHost === '0.0.0.0' || bindHost === '::' ? null : hostnameOf(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
  const names = new Set([...(own ? [own] : []), ...allowed.map((a) => a.toLowerCase())]);
  return {
    allows(header) {
      if (header === undefined) return true;
      const name = hostnameOf(header);
      return name !== null && (isLoopback(name) || names.has(name));
    },
    answersTo: ['localhost', '127.0.0.1', '[::1]', ...names].join(', '),
  };
}

/** Refuses every request whose Host the check refuses (403 `forbidden_host`). */
export function hostGuard(check: HostCheck): RequestHandler {
  return (req, _res, next) => {
    const host = req.headers.host;
    if (check.allows(host)) return next();
    throw new AppError(
      'forbidden_host',
      `this server does not answer to the name "${String(host).slice(0, 200)}", only to ${check.answersTo} (a page using DNS rebinding sends its own name); to serve it under another name, start it with --allowed-host NAME`,
      403,
      { field: 'host' },
    );
  };
}
