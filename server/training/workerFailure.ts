// How a training worker thread (trainWorker.ts, postureTrainWorker.ts) ends on an error: it posts
// `failed` with the message and stack, which its job (jobHost.ts workerRun) turns into the job's
// error, rather than dying with an uncaught error the job only sees as an exit code.
export function postFailure(send: (msg: { type: 'failed'; message: string; stack?: string }) => void): (err: unknown) => void {
  return (err) => {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ type: 'failed', message: e.message, ...(e.stack !== undefined && { stack: e.stack }) });
  };
}
