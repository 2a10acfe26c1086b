// Requests Node's HTTP parser refuses before any route sees them. Its own answer to a request
// line and headers over the limit (a query string of tens of kilobytes) was a bare 431 with no
// body; here it is a JSON error naming the limit, as every other refusal is. A request timeout keeps
// Node's 408 and any other parse error its plain 400, and a socket that can no longer be written to is let go.
import http from 'node:http';
import type { Duplex } from 'node:stream';

/** The body of the 431: the URL (or a header) is longer than the server reads. */
export function headerOverflowBody(limit: number): string {
  return JSON.stringify({
    error: { code: 'too_large', field: 'url', message: `the request line and headers are larger than the limit of ${limit} bytes (a query string too long?)`, limit },
  });
}

/** Listens for the server's client errors: 431 JSON for headers over the limit, else 400 (Node's default answers). */
export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's default: a socket it cannot write to, or whose answer has begun, is destroyed.
    if (!socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      const body = headerOverflowBody(http.maxHeaderSize);
      socket.end(
        `HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    // Node's own answer to a request whose headers did not arrive within headersTimeout.
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return void socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
}
