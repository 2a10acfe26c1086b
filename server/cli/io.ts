// How CLI commands read stdin and write: injected so tests can give input and capture output.
import fs from 'node:fs';

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** All of standard input (`analyze -`); the process's own when absent. */
  readStdin?: () => Buffer;
}

export const processIO: CliIO = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n'),
  readStdin: () => fs.readFileSync(0),
};
