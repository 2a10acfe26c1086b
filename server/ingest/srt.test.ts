import { parseTranscript } from './index';
import { errorOf, fixture, parseText, turns } from './testkit';

const EXPECTED: [string, string, number, number][] = [
  ['Client Manager Li', 'Good morning, Ms. Chen. Thanks for coming in.', 1000, 3000],
  ['Ms. Chen', 'Morning. I saw the fixed-income fund in your newsletter.', 3500, 6250],
  ['Client Manager Li', 'Yes, it targets around 3.5% a year, with quarterly payouts.', 6500, 10000],
  ['Ms. Chen', '起投金额是多少？', 10500, 13000],
  ['Client Manager Li', '一万元起投，之后一千元递增。', 13200, 16000],
  ['Ms. Chen', 'What if I need the money early?', 16500, 19000],
  ['Client Manager Li', 'You can redeem after 90 days without penalty.', 16500, 19000],
  ['Client Manager Li', "Then I'd like to start with 200,000 this week.", 19500, 22000],
];

describe('SRT', () => {
  it('parses the fixture: Name:, Name：, [Name], Name -, dialogue dashes, a missing index, extra blank lines', () => {
    const p = parseTranscript(fixture('meeting.srt'), { filename: 'meeting.srt' });
    expect(p.format).toBe('srt');
    expect(turns(p)).toEqual(EXPECTED);
    expect(p.participants.map((x) => x.name)).toEqual(['Client Manager Li', 'Ms. Chen']);
    expect(p.warnings).toEqual([
      'line 28: cue has no speaker tag; attributed to the previous speaker "Client Manager Li"',
    ]);
  });

  it('gives the same result for CRLF and a UTF-8 BOM, sniffed without a filename', () => {
    const crlf = fixture('meeting.srt').toString('utf8').replace(/\n/g, '\r\n');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)]);
    const p = parseTranscript(bytes);
    expect(p.format).toBe('srt');
    expect(turns(p)).toEqual(EXPECTED);
  });

  it('splits cues that have no blank line between them', () => {
    const text = '1\n00:00:01,000 --> 00:00:02,000\nRep: one\n2\n00:00:03,000 --> 00:00:04,000\nCustomer: two\n';
    expect(turns(parseText(text, 'srt'))).toEqual([
      ['Rep', 'one', 1000, 2000],
      ['Customer', 'two', 3000, 4000],
    ]);
  });

  it('appends stray text after a blank line to the open cue, with a warning', () => {
    const p = parseText('00:00:01,000 --> 00:00:02,000\nRep: part one\n\npart two\n', 'srt');
    expect(turns(p)).toEqual([['Rep', 'part one part two', 1000, 2000]]);
    expect(p.warnings).toEqual(['line 4: text after a blank line has no timing; appended to the cue at line 1']);
  });

  it('reports a bad timestamp with its line', () => {
    const text = '1\n00:00:01,000 --> 00:00:02,000\nRep: hi\n\n2\n00:00:03,000 --> 00:00:0x,000\nCustomer: hi\n';
    const err = errorOf(() => parseText(text, 'srt'));
    expect(err).toMatchObject({ code: 'bad_timestamp', line: 6 });
    expect(err.message).toBe('line 6: timestamp "00:00:0x,000" is not HH:MM:SS,mmm');
  });

  it('refuses text before the first cue, naming the line', () => {
    const err = errorOf(() => parseText('\nRep: hello\n00:00:01,000 --> 00:00:02,000\nhi\n', 'srt'));
    expect(err).toMatchObject({ code: 'bad_cue', line: 2 });
    expect(err.message).toMatch(/^line 2: expected a subtitle number or a timing line/);
  });

  it('does not take a clock time or URL for a speaker', () => {
    const text = '00:00:01,000 --> 00:00:02,000\nRep: see you at\n10:30 tomorrow, details at http://bank.example\n';
    expect(turns(parseText(text, 'srt'))).toEqual([
      ['Rep', 'see you at 10:30 tomorrow, details at http://bank.example', 1000, 2000],
    ]);
  });
});
