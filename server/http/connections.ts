// Every TCP connection the HTTP server accepted, so a stopping server is not held open by one.
// `server.close()` waits until every accepted connection has ended, and Node's own clean-up
// (closeIdleConnections) does not reach a connection that never sent a request — a browser
// opens such spare connections ahead of its next request — nor one whose request is half
// sent, nor an upgraded (WebSocket) one; and once the server stops listening, Node no longer
// times them out either. Measured here: `close()` still waited after 190 s with one bare
// connection open. So a stop drops the connections that carry nothing at once, the others once
// their answers are sent and, after a grace period for responses under way, every one left.
import type http from 'node:http';
import type { Socket } from 'node:net';

/** How long a stopping server lets responses under way (a download, a slow answer) finish before it hangs up. */
export const CLOSE_GRACE_MS = 10_000;

export interface Connections {
  /** Connections open now. */
  readonly size: number;
  /**
   * Ends what keeps `server.close()` waiting: now, each connection with no request in flight
   * that is not a WebSocket, and from now on each new one; each other one once its requests
   * are answered; after `graceMs`, every connection left. Returns a cancel for the
   * later cut (call it once the server has closed).
   */
  hangUp(graceMs?: number): () => void;
}

interface Tracked {
  /** Requests read on it and not yet answered. */
  inFlight: number;
  /** Upgraded to a WebSocket (the realtime layer closes those itself, acks first). */
  upgraded: boolean;
}

export function trackConnections(server: http.Server): Connections {
  const open = new Map<Socket, Tracked>();
  let stopping = false;
  server.on('connection', (socket: Socket) => {
    // A stopping server takes no new connection (it would keep close() waiting too).
    if (stopping) return void socket.destroy();
    open.set(socket, { inFlight: 0, upgraded: false });
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const t = open.get(req.socket);
    if (!t) return;
    t.inFlight++;
    res.once('close', () => {
      // Once a stopping server has answered a connection's last request, it is done with it
      // (end() sends what the answer left in the buffer first).
      if (--t.inFlight === 0 && stopping && !t.upgraded) req.socket.end();
    });
  });
  server.on('upgrade', (req: http.IncomingMessage) => {
    const t = open.get(req.socket);
    if (t) t.upgraded = true;
  });
  return {
    get size() {
      return open.size;
    },
    hangUp(graceMs = CLOSE_GRACE_MS) {
      stopping = true;
      for (const [socket, t] of open) if (t.inFlight === 0 && !t.upgraded) socket.destroy();
      const cut = setTimeout(() => {
        for (const socket of open.keys()) socket.destroy();
      }, graceMs);
      cut.unref();
      return () => clearTimeout(cut);
    },
  };
}
