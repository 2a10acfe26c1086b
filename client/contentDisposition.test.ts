// The export's file name from Content-Disposition: filename* (RFC 5987) first, then filename,
// and round trips through the header the server really writes.
import { exportDisposition } from '../server/ingest/export';
import { decodeExtValue, dispositionFilename } from './contentDisposition';

test('filename* (UTF-8, percent-encoded) comes before filename', () => {
  expect(dispositionFilename(`attachment; filename="_.json"; filename*=UTF-8''%E5%AE%A2%E6%88%B7%E4%BC%9A%E8%B0%88.json`)).toBe('客户会谈.json');
  // in either order, whatever the case of the names and the charset
  expect(dispositionFilename(`attachment; FILENAME*=utf-8'zh'%E4%BC%9A.json; Filename="x.json"`)).toBe('会.json');
});

test('filename, quoted (with escapes and a ; inside) or a bare token', () => {
  expect(dispositionFilename('attachment; filename="Q3 review.json"')).toBe('Q3 review.json');
  expect(dispositionFilename('attachment; filename="a \\"b\\"; c.json"')).toBe('a "b"; c.json');
  expect(dispositionFilename('attachment; filename=plain.json')).toBe('plain.json');
  expect(dispositionFilename('attachment;filename = spaced.json ; size=3')).toBe('spaced.json');
  // filename is not percent-decoded: only filename* is
  expect(dispositionFilename('attachment; filename="100%25.json"')).toBe('100%25.json');
});

test('an unreadable filename* falls back to filename', () => {
  expect(dispositionFilename(`attachment; filename="ok.json"; filename*=UTF-8''%E4%BC.json`)).toBe('ok.json'); // cut UTF-8
  expect(dispositionFilename(`attachment; filename="ok.json"; filename*=UTF-8''%zz.json`)).toBe('ok.json');
  expect(dispositionFilename(`attachment; filename="ok.json"; filename*=Shift_JIS''%82%A0.json`)).toBe('ok.json');
  expect(dispositionFilename(`attachment; filename="ok.json"; filename*=no-quotes.json`)).toBe('ok.json');
});

test('nothing to name the file by: null', () => {
  expect(dispositionFilename(null)).toBeNull();
  expect(dispositionFilename('')).toBeNull();
  expect(dispositionFilename('attachment')).toBeNull();
  expect(dispositionFilename('attachment; size=12')).toBeNull();
  expect(dispositionFilename('attachment; filename=""')).toBeNull();
  expect(dispositionFilename('attachment; filename=" .. "')).toBeNull();
});

test('no directory part or control character gets into the name', () => {
  expect(dispositionFilename('attachment; filename="../../etc/passwd"')).toBe('.._.._etc_passwd');
  expect(dispositionFilename(`attachment; filename*=UTF-8''a%2Fb%5Cc%0A.json`)).toBe('a_b_c_.json');
});

test('ISO-8859-1 ext-values are decoded byte by byte', () => {
  expect(decodeExtValue(`iso-8859-1'en'%A3%20rates`)).toBe('£ rates');
  expect(decodeExtValue(`iso-8859-1''%G1`)).toBeNull();
});

test('the server’s own headers name the file by the title', () => {
  const id = 'ses_0123456789';
  expect(dispositionFilename(exportDisposition('Q3 review: pricing', id))).toBe('Q3 review_ pricing.json');
  expect(dispositionFilename(exportDisposition('招商银行 季度回顾', id))).toBe('招商银行 季度回顾.json');
  expect(dispositionFilename(exportDisposition('李女士 — pricing (it’s “final”)', id))).toBe('李女士 — pricing (it’s “final”).json');
  expect(dispositionFilename(exportDisposition('///', id))).toBe(`${id}.json`);
});
