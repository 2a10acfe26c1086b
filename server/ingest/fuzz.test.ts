// Seeded fuzz: random bytes and mutated fixtures must parse or throw TranscriptError,
// and whatever parses must satisfy the protocol schema.
import { UtteranceInSchema } from '../../protocol/protocol';
import { parseTranscript, TRANSCRIPT_FORMATS, type TranscriptFormat } from './index';
import { fixture } from './testkit';
import { TranscriptError } from './types';
import { mulberry32 } from '../signals/random';

const rng = mulberry32;

const TOKENS = ['-->', ':', '：', '\n', '\r\n', '\n\n', '<v ', '>', '</v>', '{', '[', ']', '"', '00:', ',000', '&amp', '\u0000', '好', '\uFEFF']
  .map((s) => Buffer.from(s, 'utf8'));
const FILES = ['meeting.vtt', 'meeting.srt', 'meeting.json', 'meeting.txt', 'meeting-gbk.txt'];

function mutate(src: Buffer, rand: () => number): Buffer {
  let buf = Buffer.from(src);
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (buf.length + 1));
    const kind = Math.floor(rand() * 5);
    if (kind === 0 && buf.length > 0) buf[Math.min(at, buf.length - 1)] = Math.floor(rand() * 256);
    else if (kind === 1) buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + Math.floor(rand() * 20))]);
    else if (kind === 2) buf = Buffer.concat([buf.subarray(0, at), TOKENS[Math.floor(rand() * TOKENS.length)] ?? Buffer.alloc(0), buf.subarray(at)]);
    else if (kind === 3) buf = buf.subarray(0, at);
    else buf = Buffer.concat([buf.subarray(0, at), buf.subarray(Math.floor(rand() * buf.length))]);
  }
  return buf;
}

function check(input: Buffer, format: TranscriptFormat | undefined): void {
  try {
    const p = parseTranscript(input, format ? { format } : {});
    for (const u of p.utterances) expect(UtteranceInSchema.safeParse(u).success).toBe(true);
    expect(p.participants.length).toBeGreaterThan(0);
  } catch (err) {
    if (!(err instanceof TranscriptError)) {
      throw new Error(`non-TranscriptError for input ${JSON.stringify(input.toString('latin1'))}: ${String(err)}`);
    }
    expect(err.message.length).toBeGreaterThan(0);
  }
}

describe('fuzz', () => {
  const pickFormat = (rand: () => number): TranscriptFormat | undefined =>
    rand() < 0.5 ? undefined : TRANSCRIPT_FORMATS[Math.floor(rand() * TRANSCRIPT_FORMATS.length)];

  it('random byte strings parse or throw TranscriptError', () => {
    const rand = rng(20240601);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.alloc(Math.floor(rand() * 400));
      const ascii = rand() < 0.5;
      for (let j = 0; j < bytes.length; j++) bytes[j] = ascii ? 0x09 + Math.floor(rand() * 0x76) : Math.floor(rand() * 256);
      check(bytes, pickFormat(rand));
    }
  });

  it('mutated fixtures parse or throw TranscriptError', () => {
    const rand = rng(7);
    const sources = FILES.map(fixture);
    for (let i = 0; i < 3000; i++) {
      const src = sources[i % sources.length] ?? Buffer.alloc(0);
      check(mutate(src, rand), pickFormat(rand));
    }
  });
});
