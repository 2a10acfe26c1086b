// How CLI commands write: injected so tests can capture output.
export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const processIO: CliIO = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n'),
};
