import { estimateDurationMs, parseTranscript } from './index';
import { errorOf, fixture, parseText, turns } from './testkit';

describe('plain text', () => {
  it('parses the fixture: [HH:MM:SS], (M:SS) and bare stamps, both colons, continuation lines, mixed zh/en', () => {
    const p = parseTranscript(fixture('meeting.txt'), { filename: 'meeting.txt' });
    expect(p.format).toBe('text');
    expect(turns(p)).toEqual([
      ['Advisor Huang', 'Welcome back, Mrs. Lin. How did the bond fund do for you last year?', 2000],
      ['林女士', '还可以，不过我想要收益高一点的。', 7000],
      [
        'Advisor Huang',
        'Then the balanced portfolio might suit you. It holds about 40% equities, so it moves more than the bond fund.',
        12000,
      ],
      ['林女士', '波动大概有多大？', 25000],
      ['Advisor Huang', '去年最大回撤是8%左右。', 31000],
      ['林女士', "what's the minimum amount? 最低要投多少？", 38000],
      ['Advisor Huang', '五万元起。', 44000],
    ]);
    expect(p.warnings).toEqual([]);
  });

  it('reads the GB18030 fixture and estimates times without stamps', () => {
    const p = parseTranscript(fixture('meeting-gbk.txt'));
    expect(p.encoding).toBe('gb18030');
    expect(p.participants.map((x) => x.name)).toEqual(['客户经理', '刘阿姨']);
    const first = p.utterances[0];
    expect(first).toEqual({
      speaker: '客户经理',
      text: '您好，刘阿姨，今天想跟您聊聊我们新出的养老理财产品。',
      startMs: 0,
      endMs: 23 * 250,
    });
    expect(p.utterances[2]?.text).toBe('这款不保本，但是风险等级是二级，属于稳健型，过去三年都没有出现过亏损。');
    p.utterances.slice(1).forEach((u, i) => expect(u.startMs).toBe(p.utterances[i]?.endMs));
    expect(p.warnings).toEqual([
      'the file has no timestamps; their times were estimated from text length (250 ms per CJK character, 350 ms per word, at least 1200 ms per turn)',
    ]);
  });

  it('estimates durations: CJK characters, words, a floor', () => {
    expect(estimateDurationMs('好')).toBe(1200);
    expect(estimateDurationMs('我想买二十万')).toBe(6 * 250);
    expect(estimateDurationMs("What's the fee for 200,000 yuan?")).toBe(6 * 350);
    expect(estimateDurationMs('R2 级产品 is fine')).toBe(3 * 250 + 3 * 350);
  });

  it('estimates only the unstamped turns when stamps are partial', () => {
    const p = parseText('[00:00:10] Rep: 这个产品怎么样\nCustomer: sounds good\n');
    expect(turns(p)).toEqual([
      ['Rep', '这个产品怎么样', 10000],
      ['Customer', 'sounds good', 10000 + 7 * 250, 10000 + 7 * 250 + 1200],
    ]);
    expect(p.warnings[0]).toMatch(/^1 of 2 turns have no timestamp/);
  });

  it('treats a stamp without a name as the same speaker again', () => {
    const p = parseText('[0:01] Rep: one\n[0:05] two\n');
    expect(turns(p)).toEqual([
      ['Rep', 'one', 1000],
      ['Rep', 'two', 5000],
    ]);
  });

  it('keeps clock times, URLs and sentences from being read as speakers', () => {
    const p = parseText('Rep: We can meet\n10:30 works, see https://bank.example\nThe options are, in short: A and B\n');
    expect(turns(p)).toEqual([
      ['Rep', 'We can meet 10:30 works, see https://bank.example The options are, in short: A and B', 0, 16 * 350],
    ]);
  });

  it('reads CRLF and ignores blank lines', () => {
    const p = parseText('Rep：您好\r\n\r\n\r\nCustomer: hi\r\n');
    expect(turns(p).map(([s, t]) => [s, t])).toEqual([
      ['Rep', '您好'],
      ['Customer', 'hi'],
    ]);
  });

  it('makes a first line without a speaker an error naming the line', () => {
    const err = errorOf(() => parseText('\n\nthis meeting was recorded\nRep: hi\n', 'text'));
    expect(err).toMatchObject({ code: 'missing_speaker', line: 3 });
    expect(err.message).toBe('line 3: "this meeting was recorded" has no speaker; expected "Name: text" or "Name：text"');
  });

  it('reports a malformed stamp with its line', () => {
    const err = errorOf(() => parseText('Rep: hi\n[00:99:00] Customer: hello\n'));
    expect(err).toMatchObject({ code: 'bad_timestamp', line: 2 });
    expect(err.message).toBe('line 2: timestamp "00:99:00" has minutes or seconds above 59; expected HH:MM:SS or MM:SS');
  });
});
