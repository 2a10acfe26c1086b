import { detectFormat, sniffFormat } from './detect';
import { TranscriptError } from './types';

describe('detectFormat', () => {
  it('prefers the explicit format, then the extension', () => {
    expect(detectFormat('WEBVTT\n', { format: 'text', filename: 'a.vtt' })).toBe('text');
    expect(detectFormat('Rep: hi', { filename: 'Meeting.SRT' })).toBe('srt');
    expect(detectFormat('Rep: hi', { filename: 'notes.txt' })).toBe('text');
    expect(detectFormat('{"utterances":[]}', { filename: 'upload.bin' })).toBe('json');
  });

  it('refuses an unknown format option, naming the allowed ones', () => {
    expect(() => detectFormat('x', { format: 'docx' })).toThrow(TranscriptError);
    expect(() => detectFormat('x', { format: 'docx' })).toThrow('format "docx" is not supported; use one of vtt, srt, json, text');
  });

  it.each([
    ['WEBVTT\n\n00:01.000 --> 00:02.000\nhi', 'vtt'],
    ['\n\nWEBVTT - Title\n', 'vtt'],
    ['1\n00:00:01,000 --> 00:00:02,000\nRep: hi', 'srt'],
    ['\r\n00:00:01,000 --> 00:00:02,000\r\nRep: hi', 'srt'],
    ['{"utterances": []}', 'json'],
    ['[\n  {"speaker": "a"}\n]', 'json'],
    ['[]', 'json'],
    ['[00:00:01] Rep: hi', 'text'],
    ['[Rep] hi', 'text'],
    ['客户经理：您好', 'text'],
    ['WEBVTTX', 'text'],
  ])('sniffs %j as %s', (text, format) => {
    expect(sniffFormat(text)).toBe(format);
  });
});
