import { readFileSync } from 'fs';
import { join } from 'path';
import { decodeTranscript } from './decode';
import { TranscriptError } from './types';

const FIXTURES = join(__dirname, '../../fixtures/transcripts');
const SAMPLE = 'Rep: 这款理财产品的期限是一年。\nCustomer: OK, what is the fee?\n';

function utf16be(s: string): Buffer {
  return Buffer.from(s, 'utf16le').swap16();
}

function errorOf(fn: () => unknown): TranscriptError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TranscriptError) return err;
    throw err;
  }
  throw new Error('expected a TranscriptError');
}

describe('decodeTranscript', () => {
  it('takes plain UTF-8', () => {
    expect(decodeTranscript(Buffer.from(SAMPLE))).toEqual({ text: SAMPLE, encoding: 'utf-8' });
  });

  it('strips a UTF-8 BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]);
    expect(decodeTranscript(bytes)).toEqual({ text: SAMPLE, encoding: 'utf-8' });
  });

  it('reads UTF-16LE and UTF-16BE by their BOM', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(SAMPLE)]);
    expect(decodeTranscript(le)).toEqual({ text: SAMPLE, encoding: 'utf-16le' });
    expect(decodeTranscript(be)).toEqual({ text: SAMPLE, encoding: 'utf-16be' });
  });

  it('detects GB18030 when the bytes are not UTF-8 but read as Chinese', () => {
    const { text, encoding } = decodeTranscript(readFileSync(join(FIXTURES, 'meeting-gbk.txt')));
    expect(encoding).toBe('gb18030');
    expect(text.startsWith('客户经理：您好，刘阿姨')).toBe(true);
  });

  it('refuses a file mixing UTF-8 and GBK lines, naming the first line that is not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('Wang: 这款理财产品多少钱？\nLi: OK\r\n'),
      Buffer.from('cef7cdf5a3bac4eabbafcad5d2e6c2cacac7b0d9b7d6d6aec8fda1a30a', 'hex'), // GBK "西王：年化收益率是百分之三。"
      Buffer.from('Wang: 好的。\n'),
    ]);
    const err = errorOf(() => decodeTranscript(bytes));
    expect(err).toMatchObject({ code: 'encoding', line: 3 });
    expect(err.message).toBe(
      'line 3: not valid UTF-8 (bad byte at offset 45), while line 1 is UTF-8 Chinese text: ' +
        'the file mixes encodings (GBK lines in a UTF-8 file?); save it as UTF-8',
    );
    // The audit's file: decoded whole as GB18030, it was accepted with Wang's line garbled.
    const audit = Buffer.concat([
      Buffer.from('Wang: 这款理财产品多少钱？\n'),
      Buffer.from('4c693a20c4eabbafcad5d2e6c2cacac7b0d9b7d6d6aec8fda1a30a', 'hex'), // GBK "Li: 年化收益率是百分之三。"
    ]);
    expect(errorOf(() => decodeTranscript(audit))).toMatchObject({ code: 'encoding', line: 2 });
    // GBK first, then UTF-8: the same, naming the GBK line.
    const reversed = Buffer.concat([Buffer.from('cef7cdf5a3bac4eabb0a', 'hex'), Buffer.from('Wang: 这款理财产品多少钱？\n')]);
    expect(errorOf(() => decodeTranscript(reversed))).toMatchObject({ code: 'encoding', line: 1 });
  });

  it('still reads GBK whose short lines happen to be valid UTF-8: no UTF-8 line with 2+ CJK characters, no mix', () => {
    // GBK "谢谢" (d0bb d0bb) is also valid UTF-8 ("лл"), as are some other short GBK lines.
    const gbk = Buffer.concat([
      Buffer.from('A: '),
      Buffer.from('d0bbd0bb', 'hex'), // 谢谢
      Buffer.from('\nB: '),
      Buffer.from('c4eabbafcad5d2e6c2cacac7b0d9b7d6d6aec8fda1a3', 'hex'), // 年化收益率是百分之三。
      Buffer.from('\n'),
    ]);
    expect(gbk.subarray(0, 7).toString('utf8')).toBe('A: лл');
    expect(decodeTranscript(gbk)).toEqual({ text: 'A: 谢谢\nB: 年化收益率是百分之三。\n', encoding: 'gb18030' });
  });

  it('refuses empty and whitespace-only files', () => {
    expect(errorOf(() => decodeTranscript(Buffer.alloc(0)))).toMatchObject({ code: 'empty', message: 'file is empty' });
    const ws = errorOf(() => decodeTranscript(Buffer.from(' \r\n\t\n  \u3000\n')));
    expect(ws.code).toBe('empty');
    expect(ws.message).toMatch(/file is empty.*whitespace/);
  });

  it('refuses NUL bytes and names the offset', () => {
    const bytes = Buffer.concat([Buffer.from('Rep: hello a'), Buffer.from([0, 1, 2]), Buffer.from('more')]);
    const err = errorOf(() => decodeTranscript(bytes));
    expect(err.code).toBe('binary');
    expect(err.message).toBe('file looks binary (NUL bytes at offset 12); expected UTF-8, UTF-16 (with BOM) or GB18030 text');
  });

  it('refuses text that is mostly control characters', () => {
    const bytes = Buffer.from('Rep: hi\x01\x02\x03\x04\x05\x06\x07\x08 there', 'latin1');
    const err = errorOf(() => decodeTranscript(bytes));
    expect(err.code).toBe('binary');
    expect(err.message).toMatch(/8 control or replacement characters/);
  });

  it('refuses bytes that are neither UTF-8 nor GB18030 text, naming the first bad byte', () => {
    // Latin-1 accents: invalid UTF-8, and as GB18030 they do not read as Chinese.
    const bytes = Buffer.from('Rep: caf\xe9 cr\xe8me br\xfbl\xe9e\n', 'latin1');
    const err = errorOf(() => decodeTranscript(bytes));
    expect(err.code).toBe('encoding');
    expect(err.message).toMatch(/not valid UTF-8 \(first bad byte at offset 8\)/);
    expect(err.message).toMatch(/expected UTF-8, UTF-16 \(with BOM\) or GB18030 text/);
  });

  it('refuses a UTF-16 BOM followed by an odd number of bytes', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x42]);
    expect(errorOf(() => decodeTranscript(bytes)).message).toMatch(/UTF-16LE BOM but is not valid UTF-16LE/);
  });
});
