import { parseTranscript } from './index';
import { errorOf, fixture, parseText, turns } from './testkit';

describe('WebVTT', () => {
  it('parses the fixture: voice tags, classes, ids, settings, NOTE/STYLE, inline tags, entities', () => {
    const p = parseTranscript(fixture('meeting.vtt'), { filename: 'meeting.vtt' });
    expect(p.format).toBe('vtt');
    expect(p.encoding).toBe('utf-8');
    expect(p.title).toBe('稳盈理财产品介绍 / Wealth product review');
    expect(p.participants).toEqual([
      { name: '王经理', role: null },
      { name: '张先生', role: null },
    ]);
    expect(turns(p)).toEqual([
      ['王经理', '张先生您好，今天给您介绍一款稳健型理财产品。', 1000, 4500],
      ['张先生', '好的，我想先了解一下风险等级和期限。', 5000, 8200],
      ['王经理', "It's rated R2, low to medium risk, with a 180-day term & daily liquidity after that.", 9000, 13750],
      ['张先生', '那预期年化收益大概是多少？Is there a management fee?', 14000, 17000],
      ['王经理', '业绩比较基准是3.2%到3.6%，管理费每年0.3%。', 17500, 20000],
      ['王经理', 'Fees are deducted before returns are paid <not on top>.', 20500, 22000],
      ['张先生', '如果我今天买五十万，能不能给个优惠？', 23000, 26000],
      ['王经理', 'I can check whether the VIP rate applies.', 23000, 26000],
    ]);
    expect(p.warnings).toEqual(['line 29: cue has no speaker tag; attributed to the previous speaker "王经理"']);
  });

  it('joins wrapped English lines with a space', () => {
    const p = parseText('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Rep>Our fund has\nno entry fee\n');
    expect(p.utterances[0]?.text).toBe('Our fund has no entry fee');
  });

  it('reports a bad timestamp with its line and the accepted shapes', () => {
    const text = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Rep>Hello\n\n00:00:03.000 --> 00:01:xx.000\n<v Rep>Hi\n';
    const err = errorOf(() => parseText(text));
    expect(err).toMatchObject({ code: 'bad_timestamp', line: 6 });
    expect(err.message).toBe('line 6: timestamp "00:01:xx.000" is not HH:MM:SS.mmm or MM:SS.mmm');
  });

  it('refuses minutes above 59 and cues that end before they start', () => {
    expect(errorOf(() => parseText('WEBVTT\n\n00:61:00.000 --> 01:02:00.000\n<v A>x')).message).toMatch(
      /^line 3: timestamp "00:61:00.000" has minutes or seconds above 59/,
    );
    const err = errorOf(() => parseText('WEBVTT\n\n00:00:05.000 --> 00:00:04.000\n<v A>x'));
    expect(err.message).toBe(
      'line 3: cue ends (00:00:04.000) before it starts (00:00:05.000); the end must be at or after the start',
    );
  });

  it('requires the WEBVTT header', () => {
    const err = errorOf(() => parseText('00:00:01.000 --> 00:00:02.000\n<v A>x', 'vtt'));
    expect(err).toMatchObject({ code: 'bad_header', line: 1 });
    expect(err.message).toBe('line 1: expected the file to start with "WEBVTT", found "00:00:01.000 --> 00:00:02.000"');
  });

  it('refuses a block that is neither a cue nor NOTE/STYLE, naming its line', () => {
    const err = errorOf(() => parseText('WEBVTT\n\nhello there\nhow are you\n'));
    expect(err).toMatchObject({ code: 'bad_cue', line: 3 });
  });

  it('makes a first cue without any speaker an error naming its line', () => {
    const err = errorOf(() => parseText('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhow much is it\n'));
    expect(err).toMatchObject({ code: 'missing_speaker', line: 3 });
    expect(err.message).toBe('line 3: cue has no speaker; expected a voice tag "<v Name>" or a "Name: " prefix');
  });

  it('skips cues whose text is only markup, with a warning', () => {
    const p = parseText('WEBVTT\n\n00:01.000 --> 00:02.000\n<v A><i></i>\n\n00:03.000 --> 00:04.000\n<v A>ok\n');
    expect(turns(p)).toEqual([['A', 'ok', 3000, 4000]]);
    expect(p.warnings).toEqual(['line 3: cue has no text; skipped']);
  });

  it('reads CRLF files and numeric character references', () => {
    const p = parseText('WEBVTT\r\n\r\n1\r\n00:00:01.000 --> 00:00:02.000\r\n<v Rep>5&#37; &#x4E07;\r\n');
    expect(turns(p)).toEqual([['Rep', '5% 万', 1000, 2000]]);
  });

  it('reads an unclosed voice tag followed by a long run of spaces in linear time', () => {
    // 80,000 blanks after "<v" took ~16 s when the tag's separator and name could both take them.
    const text = `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v${' \t'.repeat(40_000)}x`;
    const t0 = Date.now();
    expect(errorOf(() => parseText(text)).code).toBe('missing_speaker');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('takes the name after any run of blanks in a voice tag', () => {
    expect(turns(parseText('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v \t  Rep  >Hi\n'))).toEqual([['Rep', 'Hi', 1000, 2000]]);
  });
});
