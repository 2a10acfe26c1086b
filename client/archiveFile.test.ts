import { ARCHIVE_FORMAT as SERVER_FORMAT } from '../server/ingest/archive';
import { ARCHIVE_FORMAT, isArchiveFile } from './archiveFile';

const bytes = (s: string) => new TextEncoder().encode(s).buffer;

describe('isArchiveFile', () => {
  it('names the server\'s format', () => {
    expect(ARCHIVE_FORMAT).toBe(SERVER_FORMAT);
  });

  it('is a JSON object whose format is a backup\'s, wherever the field is', () => {
    expect(isArchiveFile(bytes(`{"format":"${ARCHIVE_FORMAT}","version":1}`))).toBe(true);
    expect(isArchiveFile(bytes(`\uFEFF \n{"version":1, "format": "${ARCHIVE_FORMAT}"}`))).toBe(true);
  });

  it('is not a transcript, another format, a text naming the format, or broken JSON', () => {
    expect(isArchiveFile(bytes('{"participants":[],"utterances":[]}'))).toBe(false);
    expect(isArchiveFile(bytes(`{"title":"${ARCHIVE_FORMAT}","utterances":[]}`))).toBe(false);
    expect(isArchiveFile(bytes(`A: this is ${ARCHIVE_FORMAT}`))).toBe(false);
    expect(isArchiveFile(bytes(`{"format":"${ARCHIVE_FORMAT}",`))).toBe(false);
    expect(isArchiveFile(bytes(`[{"format":"${ARCHIVE_FORMAT}"}]`))).toBe(false);
  });

  it('reads a backup saved as UTF-16 (with its BOM), as the server does: it went as a transcript, its labels and comments dropped', () => {
    const text = `{"format":"${ARCHIVE_FORMAT}","version":1,"session":{"title":"李女士"}}`;
    const le = Uint8Array.from([0xff, 0xfe, ...Array.from(text).flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
    const be = Uint8Array.from([0xfe, 0xff, ...Array.from(text).flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff])]);
    expect(isArchiveFile(le.buffer)).toBe(true);
    expect(isArchiveFile(be.buffer)).toBe(true);
    expect(isArchiveFile(Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]).buffer)).toBe(false);
  });
});
