import { jsonSyntaxErrorOffset } from './jsonSyntax';

/** The offset JSON.parse reports, when its message has one. */
function v8Position(text: string): number | undefined {
  try {
    JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    return m ? Number(m[1]) : undefined;
  }
  throw new Error(`valid JSON: ${text}`);
}

describe('jsonSyntaxErrorOffset', () => {
  it('finds nothing wrong in valid JSON', () => {
    for (const text of [
      '{}',
      '[]',
      ' \t\r\n[ 1 , -0.5e+3, 0, 10, 2E-2, "a\\"b\\\\\\/\\b\\f\\n\\r\\t\\u00e9", true, false, null, {"k": [{}]} ] \n',
      '"只有一个字符串"',
      '-0',
      JSON.stringify({ utterances: [{ speaker: '客户', text: 'hi 😀', startMs: 0 }] }, null, 2),
      '['.repeat(100_000) + ']'.repeat(100_000),
    ]) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonSyntaxErrorOffset(text)).toBeNull();
    }
  });

  it.each([
    // The errors V8 names without a position.
    ["{'a': 1}", 1],
    ['{"a": \'x\'}', 6],
    ['[{"a": 1},]', 10],
    ['[1, 2,\n]', 7],
    ['', 0],
    ['   ', 3],
    ['{"a": tru', 9],
    ['{"a": [1, 2', 11],
    ['{"a": "x', 8],
    // And some it places, to agree with it.
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['[1]x', 3],
    ['{"a": 01}', 7],
    ['{"a": "x\ty"}', 8],
    ['{"a": "\\x"}', 8],
    ['{"a": "\\u12g4"}', 11],
    ['[1.]', 3],
    ['[1e]', 3],
    ['[-]', 2],
    ['[+1]', 1],
    ['[nul]', 4],
    ['[.5]', 1],
    ['{1: 2}', 1],
    ['{"a": 1 "b": 2}', 8],
    ['[1 2]', 3],
    ['[1}', 2],
    ['{"a": 1]', 7],
  ])('%j breaks at %d', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonSyntaxErrorOffset(text)).toBe(offset);
  });

  it('agrees with JSON.parse wherever V8 gives a position', () => {
    const base = JSON.stringify({ title: 'T', utterances: [{ speaker: 'A', text: 'x "q" 好', startMs: 1.5e3, endMs: null, ok: true }] });
    let compared = 0;
    // Every single-character deletion and a few insertions of the document.
    for (let i = 0; i < base.length; i++) {
      for (const text of [base.slice(0, i) + base.slice(i + 1), base.slice(0, i) + ',' + base.slice(i), base.slice(0, i) + "'" + base.slice(i)]) {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        if (valid) {
          expect(jsonSyntaxErrorOffset(text)).toBeNull();
          continue;
        }
        const pos = v8Position(text);
        const found = jsonSyntaxErrorOffset(text);
        expect(found).not.toBeNull();
        if (pos !== undefined) {
          expect({ text, at: found }).toEqual({ text, at: pos });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});
