// The real server both fuzz suites run against, watched for what would otherwise pass unseen:
// unhandled rejections, uncaught exceptions and the server's internal-error log lines.
import type { RunningServer, ServerOptions } from '../../server/main';
import fs from 'node:fs';
import { addLibraryModel, tempModelsDir } from '../../server/models/library.testkit';
import { api, startTestServer } from './harness';

export interface FuzzServer {
  readonly url: string;
  /** Unhandled rejections and uncaught exceptions seen while the suite ran. */
  readonly processErrors: unknown[];
  /** The server's log lines about internal errors and failures. */
  readonly internalLogs: string[];
  /** The server's model library: one copy of the committed model, folder "copy", version FUZZ_LIBRARY_VERSION. */
  readonly modelsDir: string;
  /** A new session with a rep and a customer; its id. */
  newSession: () => Promise<string>;
}

export const FUZZ_LIBRARY_VERSION = 'verbal-20261201-f0f0f0f0';

/** Registers the suite's beforeAll/afterAll: the server starts once and stops at the end. */
export function useFuzzServer(opts: Partial<ServerOptions> = {}): FuzzServer {
  let server: RunningServer | undefined;
  // The suite's own library when it brings one (the copy is added to it), else a temp one.
  const modelsDir = opts.modelsDir ?? tempModelsDir();
  const processErrors: unknown[] = [];
  const internalLogs: string[] = [];
  const onProcessError = (e: unknown) => void processErrors.push(e);
  beforeAll(async () => {
    process.on('unhandledRejection', onProcessError);
    process.on('uncaughtException', onProcessError);
    addLibraryModel(modelsDir, 'copy', FUZZ_LIBRARY_VERSION);
    server = await startTestServer({ poseWorkers: 1, poseModel: 'blazepose-lite', log: (m) => void (/internal|failed/.test(m) && internalLogs.push(m)), ...opts, modelsDir });
  });
  afterAll(async () => {
    await server?.close();
    if (opts.modelsDir === undefined) fs.rmSync(modelsDir, { recursive: true, force: true });
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
    modelsDir,
    newSession: async () => {
      const r = await api(fuzz.url, 'POST', '/api/sessions', { title: 'fuzz', participants: [{ name: 'Rep Sun', role: 'rep' }, { name: '周先生', role: 'customer' }] });
      expect(r.status).toBe(201);
      return r.body.session.id as string;
    },
  };
  return fuzz;
}
