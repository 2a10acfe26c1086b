import { forEachJsonLine } from './jsonLines';

const bad = (line: number, problem: string): never => {
  throw new Error(`f:${line}: ${problem}`);
};

describe('forEachJsonLine', () => {
  it('gives each non-blank line parsed with its line number, a leading byte-order mark and CRLF endings aside', () => {
    const seen: Array<[unknown, number]> = [];
    forEachJsonLine('\uFEFF{"a":1}\r\n\r\n  \n[2]\n"x"', bad, (v, line) => seen.push([v, line]));
    expect(seen).toEqual([[{ a: 1 }, 1], [[2], 4], ['x', 5]]);
  });

  it('stops at the first bad line in order, whether it is not JSON or the caller refuses it', () => {
    const rows: number[] = [];
    expect(() => forEachJsonLine('{"a":1}\n{oops\n{"a":3}', bad, (_v, line) => rows.push(line))).toThrow(/^f:2: not valid JSON \(/);
    expect(rows).toEqual([1]);
    const refuse = (_v: unknown, line: number) => {
      if (line === 1) throw new Error('row 1 refused');
    };
    expect(() => forEachJsonLine('{"a":1}\n{oops', bad, refuse)).toThrow('row 1 refused');
  });
});
