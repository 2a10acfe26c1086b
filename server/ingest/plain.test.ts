import { parsePlain } from './plain';
import { Warnings } from './types';
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

  it('reports a malformed stamp with its line and the accepted forms', () => {
    const err = errorOf(() => parseText('Rep: hi\n[00:99:00] Customer: hello\n'));
    expect(err).toMatchObject({ code: 'bad_timestamp', line: 2 });
    expect(err.message).toBe(
      'line 2: timestamp "00:99:00" was not recognised: minutes or seconds above 59; ' +
        'a stamp before the speaker must be m:ss, mm:ss or h:mm:ss (optionally .mmm or ,mmm), bare or in [ ] or ( )',
    );
  });

  it('reads bare m:ss, mm:ss and h:mm:ss stamps (with .mmm or ,mmm) before the speaker', () => {
    const p = parseText('10:30 Alice: hi\n0:05 Bob: ok\n1:02:03.5 Alice: later\n59:59,250 Bob: 好\n9:07 王经理：您好\n');
    expect(turns(p)).toEqual([
      ['Alice', 'hi', 630000],
      ['Bob', 'ok', 5000],
      ['Alice', 'later', 3723500],
      ['Bob', '好', 3599250],
      ['王经理', '您好', 547000],
    ]);
    expect(p.warnings).toEqual([]);
  });

  it('reads a bare stamp before a speaker whose name starts with digits, and such a name without a stamp', () => {
    const p = parseText('00:01 3M Rep: hello\n2nd Customer: hi\n00:09 2nd Customer: again\n007 Agent: 好的\n');
    expect(turns(p).map(([s, t, start]) => [s, t, start])).toEqual([
      ['3M Rep', 'hello', 1000],
      ['2nd Customer', 'hi', 1000 + 1200],
      ['2nd Customer', 'again', 9000],
      ['007 Agent', '好的', 9000 + 1200],
    ]);
  });

  it('takes a stamp alone on its line as the start of the next speaker line, with no bogus warning', () => {
    const p = parseText('Alice: hi\n1:02:05 Bob: hm2\n1:02:05\nAlice: after\n', 'text');
    expect(turns(p)).toEqual([
      ['Alice', 'hi', 0, 1200],
      ['Bob', 'hm2', 3725000],
      ['Alice', 'after', 3725000],
    ]);
    expect(p.warnings).toEqual([expect.stringMatching(/^1 of 3 turns have no timestamp/)]);
    // mm:ss, m:ss, bracketed and (with a blank line between) h:mm:ss; also on the first line.
    const q = parseText('00:05\nAlice: hi\n0:09\n王经理：您好\n[00:01:02]\nAlice: ok\n1:00:00\n\nBob: later\n', 'text');
    expect(turns(q)).toEqual([
      ['Alice', 'hi', 5000],
      ['王经理', '您好', 9000],
      ['Alice', 'ok', 62000],
      ['Bob', 'later', 3600000],
    ]);
    expect(q.warnings).toEqual([]);
  });

  it('a lone stamp before a line without a speaker: h:mm:ss starts the same speaker again, m:ss is text', () => {
    const p = parseText('Alice: hi\n0:01:00\nmore\nBob: ok\n10:30\nworks for me\n', 'text');
    expect(turns(p).map(([s, t, start]) => [s, t, start])).toEqual([
      ['Alice', 'hi', 0],
      ['Alice', 'more', 60000],
      ['Bob', 'ok 10:30 works for me', 61200],
    ]);
    // At the end of the file, a bare m:ss is text too.
    expect(turns(parseText('Alice: hi\n10:30\n', 'text'))[0]?.[1]).toBe('hi 10:30');
  });

  it('warns about a lone stamp that times no turn (another stamp or the end follows) and ignores it', () => {
    const p = parseText('Alice: hi\n0:01:00\n[0:02:00]\n0:03:00 Bob: ok\n0:04:00\n', 'text');
    expect(turns(p)).toEqual([
      ['Alice', 'hi', 0, 1200],
      ['Bob', 'ok', 180000],
    ]);
    expect(p.warnings).toEqual([
      'line 2: stamp "0:01:00" is not followed by a turn; ignored',
      'line 3: stamp "0:02:00" is not followed by a turn; ignored',
      'line 5: stamp "0:04:00" is not followed by a turn; ignored',
      '1 of 2 turns have no timestamp; their times were estimated from text length (250 ms per CJK character, 350 ms per word, at least 1200 ms per turn)',
    ]);
  });

  it('refuses a lone stamp-like line before a speaker line that is no stamp, naming its line; a lone first line without a speaker after it', () => {
    const bad = errorOf(() => parseText('Alice: hi\n99:99\nBob: ok\n', 'text'));
    expect(bad).toMatchObject({ code: 'bad_timestamp', line: 2 });
    expect(bad.message).toContain('timestamp "99:99" was not recognised');
    expect(errorOf(() => parseText('10:30\nhello\n', 'text'))).toMatchObject({ code: 'missing_speaker', line: 1 });
    expect(errorOf(() => parseText('[00:99:00]\nAlice: hi\n', 'text'))).toMatchObject({ code: 'bad_timestamp', line: 1 });
  });

  it('leaves times inside the text alone, and a line opening with a time but no speaker is text', () => {
    const p = parseText('Alice: see you at 10:30 tomorrow\n10:30 works for me, or 11:00\nBob: 10:30: fine\n');
    expect(turns(p).map(([s, t]) => [s, t])).toEqual([
      ['Alice', 'see you at 10:30 tomorrow 10:30 works for me, or 11:00'],
      ['Bob', '10:30: fine'],
    ]);
  });

  it('says a bare stamp-like start was not recognised, naming the accepted forms, instead of "no speaker"', () => {
    for (const [text, stamp] of [
      ['99:99 Alice: hi\n', '99:99'],
      ['Rep: hi\n10:3 Alice: hi\n', '10:3'],
      ['Rep: hi\n1:2:3:4 Alice: hi\n', '1:2:3:4'],
      ['100:00 Alice: hi\n', '100:00'],
    ] as const) {
      const err = errorOf(() => parseText(text, 'text'));
      expect(err.code).toBe('bad_timestamp');
      expect(err.message).toContain(`timestamp "${stamp}" was not recognised`);
      expect(err.message).toContain('m:ss, mm:ss or h:mm:ss (optionally .mmm or ,mmm)');
    }
    // The first line: a stamp-like start that is not a stamp, and no speaker.
    const err = errorOf(() => parseText('99:99 hello\nRep: hi\n', 'text'));
    expect(err).toMatchObject({ code: 'bad_timestamp', line: 1 });
    expect(err.message).toContain('was not recognised');
  });
});

describe('a bracketed stamp that is none of the forms (found by the fuzz tests: "[1e9:59:60] Advisor Huang: hello" was "has no speaker")', () => {
  const FORMS = 'a stamp before the speaker must be m:ss, mm:ss or h:mm:ss (optionally .mmm or ,mmm), bare or in [ ] or ( )';

  it('is refused as a timestamp, naming the line and the accepted forms, before a speaker, alone, or on the first line', () => {
    for (const [text, line, stamp] of [
      ['[1e9:59:60] Advisor Huang: hello\n', 1, '1e9:59:60'],
      ['Rep: hi\n[1e9:59:60] Advisor Huang: hello\n', 2, '1e9:59:60'],
      ['Rep: hi\n(10:30am) Li: ok\n', 2, '10:30am'],
      ['Rep: hi\n[-1:00] Li: ok\n', 2, '-1:00'],
      ['Rep: hi\n[0x:10]\nLi: ok\n', 2, '0x:10'],
      ['[10:30am] hello everyone\nRep: hi\n', 1, '10:30am'],
    ] as const) {
      const err = errorOf(() => parseText(text, 'text'));
      expect(err).toMatchObject({ code: 'bad_timestamp', line });
      expect(err.message).toBe(`line ${line}: timestamp "${stamp}" was not recognised; ${FORMS}`);
    }
  });

  it('leaves bracketed words, and a stamp-like start of a line of text, as they were', () => {
    const p = parseText('Rep: hi\n[inaudible] Li: ok\n(laughs) Li: fine\n[10:30am] works for me\n[2 p.m.] Li: yes\n', 'text');
    expect(turns(p).map(([s, t]) => [s, t])).toEqual([['Rep', 'hi [inaudible] Li: ok (laughs) Li: fine [10:30am] works for me [2 p.m.] Li: yes']]);
    expect(errorOf(() => parseText('[inaudible] Li: ok\n', 'text'))).toMatchObject({ code: 'missing_speaker', line: 1 });
  });
});

describe('speaker names with a note in brackets, and labels not read as names (client audit #5)', () => {
  const parse = (text: string) => {
    const warnings = new Warnings();
    const r = parsePlain(text, warnings);
    const timing = /have no timestamp|has no timestamps/;
    return { speakers: r.utterances.map((u) => u.speaker), texts: r.utterances.map((u) => u.text), warnings: warnings.list().filter((w) => !timing.test(w)) };
  };

  it('takes a name ending in one note in brackets, full-width or ASCII', () => {
    const r = parse('[00:00:01] 张伟先生（财富管理部）: 这款产品起投五万\nLi Wei (Guest): how much is the fee?\nSarah Chen (External, legal): fine\n');
    expect(r.speakers).toEqual(['张伟先生（财富管理部）', 'Li Wei (Guest)', 'Sarah Chen (External, legal)']);
    expect(r.warnings).toEqual([]);
  });

  it('still refuses sentences and brackets that are not a closing note', () => {
    expect(() => parse('(laughs) okay: fine\n')).toThrow(/has no speaker/);
    expect(() => parse('我觉得（其实）还行吧，你说呢: 嗯\n')).toThrow(/has no speaker/);
    expect(() => parse('A (really?): hi\n')).toThrow(/has no speaker/);
  });

  it('a first line whose label is not taken as a name says why', () => {
    expect(() => parse('Dr. Alexandra Montgomery-Fitzgerald, Chief Financial Officer: welcome\n')).toThrow(
      /^line 1: "Dr\. Alexandra Montgomery-Fitzgerald, Chief Financial Officer" was not read as a speaker name \(a name has at most 5 words, no commas .*\), so the line has no speaker; expected "Name: text"/,
    );
  });

  it('a later such line is added to the turn before, with a warning naming both (it was silent)', () => {
    const r = parse('Ms Chen: hello\nDr. Li, Head of Sales: the fee is waived\n');
    expect(r.speakers).toEqual(['Ms Chen']);
    expect(r.texts).toEqual(['hello Dr. Li, Head of Sales: the fee is waived']);
    expect(r.warnings).toEqual([
      'line 2: "Dr. Li, Head of Sales" was not read as a speaker name (a name has at most 5 words, no commas or sentence punctuation, and at most one note in brackets at its end, as in "Li Wei (Guest)"); the line was added to "Ms Chen"',
    ]);
    // A sentence with a colon is text, without a warning.
    expect(parse('Ms Chen: hello\nWell, as I said before, the main point is this: cost\n').warnings).toEqual([]);
    expect(parse('客户: 你好\n我觉得（其实）还行吧，你说呢: 嗯\n').warnings).toEqual([]);
  });
});

describe('overflowing stamps', () => {
  it('a stamp of 10^19 hours names the 24 h limit, as 99999 hours does, not "a whole number" (found by the fuzz tests)', () => {
    for (const [text, format] of [
      ['[9999999999999999999:00:00] Alice: hi\n', 'text'],
      ['WEBVTT\n\n9999999999999999999:00:00.000 --> 9999999999999999999:00:01.000\n<v A>hi\n', 'vtt'],
      ['1\n9999999999999999999:00:00,000 --> 9999999999999999999:00:01,000\nA: hi\n', 'srt'],
    ] as const) {
      expect(errorOf(() => parseText(text, format)).message).toMatch(/startMs: must be <= 86400000 ms \(24 h\)$/);
    }
  });
});
