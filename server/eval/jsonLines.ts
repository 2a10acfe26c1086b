// Reading a JSON Lines data file (eval verbal's and train verbal's rows, eval posture's labels,
// eval cues' verdicts): each non-blank line parsed, with its line number for the caller's errors.

/**
 * Calls `row` with each non-blank line of `text` parsed as JSON and its 1-based line number, in
 * order (so the first bad line, of either kind, is the one reported). A byte-order mark (Windows
 * editors write one) is not part of the first line. A line that is not JSON goes to
 * `bad(line, problem)`, which throws the caller's own error naming the file and the line.
 */
export function forEachJsonLine(text: string, bad: (line: number, problem: string) => never, row: (value: unknown, line: number) => void): void {
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      bad(i + 1, `not valid JSON (${(e as Error).message})`);
    }
    row(value, i + 1);
  });
}
