// Speaker names in uploads follow the protocol's one rule (normalizeSpeakerName), in every format.
import { parseTranscript } from './index';

const names = (text: string, format: 'vtt' | 'srt' | 'json' | 'text') =>
  parseTranscript(Buffer.from(text, 'utf8'), { format }).participants.map((p) => p.name);

describe('speaker names in uploads', () => {
  it('invisible characters around or inside a name do not make another speaker (audit repro 3)', () => {
    const text = ['Alice: hi', '\u200BAlice: zwsp before', 'Alice\u200B: zwsp after', '\u200E\u200EAlice: lrm', 'Alice\u00a0: nbsp', '\uFEFFAlice: bom mid-file'].join('\n');
    const parsed = parseTranscript(Buffer.from(text, 'utf8'), { format: 'text' });
    expect(parsed.participants).toEqual([{ name: 'Alice', role: null }]);
    expect(parsed.utterances.map((u) => u.speaker)).toEqual(Array(6).fill('Alice'));
  });

  it('a label of nothing but invisible characters is no speaker', () => {
    expect(() => names('\u200B\u200E: hi', 'text')).toThrow(/has no speaker/);
  });

  it('VTT voice tags, SRT prefixes and JSON speakers and participants use the same rule', () => {
    expect(names('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Alice\u200B\u00a0 Smith>hi\n\n00:00:03.000 --> 00:00:04.000\n<v Alice Smith>ok\n', 'vtt')).toEqual(['Alice Smith']);
    expect(names('1\n00:00:01,000 --> 00:00:02,000\n\u200EAlice Smith: hi\n\n2\n00:00:03,000 --> 00:00:04,000\nAlice\tSmith: ok\n', 'srt')).toEqual(['Alice Smith']);
    const json = JSON.stringify({
      participants: [{ name: 'Jose\u0301\u200B', role: 'customer' }],
      utterances: [
        { speaker: 'Jos\u00e9', text: 'hi', startMs: 0 },
        { speaker: ' Jose\u0301\u2060', text: 'ok', startMs: 1000 },
      ],
    });
    expect(parseTranscript(Buffer.from(json), { format: 'json' }).participants).toEqual([{ name: 'Jos\u00e9', role: 'customer' }]);
  });
});
