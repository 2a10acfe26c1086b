// The real server both fuzz suites run against, watched for what would otherwise pass unseen:
// unhandled rejections, uncaught exceptions and the server's internal-error log lines.
import type { RunningServer, ServerOptions } from '../../server/main';
import { api, startTestServer } from './harness';

export interface FuzzServer {
  readonly url: string;
  /** Unhandled rejections and uncaught exceptions seen while the suite ran. */
  readonly processErrors: unknown[];
  /** The server's log lines about internal errors and failures. */
  readonly internalLogs: string[];
  /** A new session with a rep and a customer; its id. */
  newSession: () => Promise<string>;
}

/** Registers the suite's beforeAll/afterAll: the server starts once and stops at the end. */
export function useFuzzServer(opts: Partial<ServerOptions> = {}): FuzzServer {
  let server: RunningServer | undefined;
  const processErrors: unknown[] = [];
  const internalLogs: string[] = [];
  const onProcessError = (e: unknown) => void processErrors.push(e);
  beforeAll(async () => {
    process.on('unhandledRejection', onProcessError);
    process.on('uncaughtException', onProcessError);
    server = await startTestServer({ poseWorkers: 1, poseModel: 'blazepose-lite', log: (m) => void (/internal|failed/.test(m) && internalLogs.push(m)), ...opts });
  });
  afterAll(async () => {
    await server?.close();
    process.off('unhandledRejection', onProcessError);
    process.off('uncaughtException', onProcessError);
  });
  const fuzz: FuzzServer = {
    get url() {
      if (!server) throw new Error('the fuzz server is not started yet: use it inside a test');
      return server.url;
    },
    processErrors,
    internalLogs,
    newSession: async () => {
      const r = await api(fuzz.url, 'POST', '/api/sessions', { title: 'fuzz', participants: [{ name: 'Rep Sun', role: 'rep' }, { name: '周先生', role: 'customer' }] });
      expect(r.status).toBe(201);
      return r.body.session.id as string;
    },
  };
  return fuzz;
}
