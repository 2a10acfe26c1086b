import { LIMITS } from '../../protocol/protocol';
import { parseTranscript } from './index';
import { errorOf, parseText } from './testkit';

const MB = 1024 * 1024;

describe('parseTranscript limits', () => {
  it('refuses files above uploadMaxBytes, naming both sizes', () => {
    const err = errorOf(() => parseTranscript(Buffer.alloc(6 * MB, 0x61)));
    expect(err).toMatchObject({ code: 'too_large', limit: LIMITS.uploadMaxBytes, actual: 6 * MB });
    expect(err.message).toBe('file is 6 MB; the limit is 5 MB');
    expect(errorOf(() => parseTranscript(Buffer.alloc(5 * MB + 1, 0x61))).message).toBe(
      'file is 5242881 bytes; the limit is 5 MB',
    );
  });

  it('refuses a 100 kB utterance, naming the line and the limit', () => {
    const long = '理财'.repeat(50_000);
    const err = errorOf(() => parseText(`Rep: hello\nCustomer: ${long}\n`));
    expect(err).toMatchObject({ code: 'limit_exceeded', line: 2, field: 'text', limit: LIMITS.textMaxChars, actual: 100_000 });
    expect(err.message).toBe('line 2: text is 100000 characters; the limit is 2000');
  });

  it('names the JSON index for an over-long text, and allows exactly the limit', () => {
    const ok = { speaker: 'Rep', text: 'a'.repeat(LIMITS.textMaxChars), startMs: 0 };
    const bad = { ...ok, text: 'a'.repeat(120_000) };
    expect(parseText(JSON.stringify([ok])).utterances).toHaveLength(1);
    const err = errorOf(() => parseText(JSON.stringify([ok, ok, ok, bad])));
    expect(err).toMatchObject({ field: 'utterances.3.text', limit: 2000 });
    expect(err.message).toBe('utterances.3: text is 120000 characters; the limit is 2000');
  });

  it('takes a turn of nothing visible (zero-width space, direction marks) as a turn without text: skipped in text, SRT and VTT, refused by field in JSON', () => {
    const plain = parseText('Li: \u200B\u200E\nLi: how much?\n');
    expect(plain.utterances.map((u) => u.text)).toEqual(['how much?']);
    expect(plain.warnings).toContain('line 1: "Li" has no text; skipped');
    const srt = parseText('1\n00:00:01,000 --> 00:00:02,000\nLi: \u200B\n\n2\n00:00:03,000 --> 00:00:04,000\nLi: ok\n', 'srt');
    expect(srt.utterances.map((u) => u.text)).toEqual(['ok']);
    const vtt = parseText('WEBVTT\n\n00:01.000 --> 00:02.000\n<v Li>\u2060\u00AD\n\n00:03.000 --> 00:04.000\n<v Li>ok\n', 'vtt');
    expect(vtt.utterances.map((u) => u.text)).toEqual(['ok']);
    const err = errorOf(() => parseText(JSON.stringify([{ speaker: 'Li', text: 'ok', startMs: 0 }, { speaker: 'Li', text: '\u200B', startMs: 1 }])));
    expect(err).toMatchObject({ code: 'invalid_field', field: 'utterances.1.text', message: 'utterances.1.text: text must not be empty' });
    // A title of nothing visible is no title.
    expect(parseText(JSON.stringify({ title: '\u200B\u200E', utterances: [{ speaker: 'Li', text: 'ok', startMs: 0 }] })).title).toBeUndefined();
  });

  it('refuses an over-long speaker name', () => {
    const name = 'N'.repeat(90);
    const err = errorOf(() => parseText(`WEBVTT\n\n00:01.000 --> 00:02.000\n<v ${name}>hi\n`));
    expect(err).toMatchObject({ code: 'limit_exceeded', line: 3, field: 'speaker', limit: LIMITS.speakerMaxChars, actual: 90 });
    expect(err.message).toBe(`line 3: speaker "${'N'.repeat(20)}…" is 90 characters; the limit is 80`);
  });

  it('refuses more than uploadMaxUtterances utterances', () => {
    const text = Array.from({ length: 25_000 }, (_, i) => `${i % 2 ? 'Rep' : 'Customer'}: ok ${i}`).join('\n');
    const err = errorOf(() => parseText(text));
    expect(err).toMatchObject({ code: 'too_many_utterances', limit: LIMITS.uploadMaxUtterances, actual: 25_000 });
    expect(err.message).toBe('file has 25000 utterances; the limit is 20000');
  });

  it('refuses times beyond 24 h, naming the line', () => {
    const err = errorOf(() => parseText('WEBVTT\n\n25:00:00.000 --> 25:00:01.000\n<v A>late\n'));
    expect(err).toMatchObject({ code: 'invalid_field', line: 3, field: 'startMs' });
    expect(err.message).toBe('line 3: startMs: must be <= 86400000 ms (24 h)');
  });

  it('refuses an over-long title', () => {
    const err = errorOf(() => parseText(`WEBVTT ${'t'.repeat(250)}\n\n00:01.000 --> 00:02.000\n<v A>hi\n`));
    expect(err.message).toBe('title is 250 characters; the limit is 200');
  });

  it('refuses a file with no utterances', () => {
    expect(errorOf(() => parseText('WEBVTT\n\nNOTE nothing was said\n')).message).toBe('file has no utterances (read as vtt)');
  });

  it('allows overlapping and out-of-order times', () => {
    const p = parseText(
      JSON.stringify([
        { speaker: 'Rep', text: 'a', startMs: 5000, endMs: 9000 },
        { speaker: 'Customer', text: 'b', startMs: 2000, endMs: 6000 },
      ]),
    );
    expect(p.utterances.map((u) => u.startMs)).toEqual([5000, 2000]);
  });

  it('caps warnings so a large file cannot flood the reply', () => {
    const cues = Array.from({ length: 60 }, (_, i) => `00:${String(i).padStart(2, '0')}.000 --> 00:${String(i).padStart(2, '0')}.500\nmore`);
    const p = parseText(`WEBVTT\n\n00:00.000 --> 00:00.100\n<v A>start\n\n${cues.join('\n\n')}\n`);
    expect(p.warnings).toHaveLength(51);
    expect(p.warnings[50]).toBe('... and 10 more warnings');
  });
});
