import { parseTranscript } from './index';
import { nearMiss } from './json';
import { errorOf, fixture, parseText, turns } from './testkit';

const one = (u: Record<string, unknown>): string => JSON.stringify([u]);
const base = { speaker: 'Rep', text: 'The fee is 0.5%.', startMs: 1000 };

describe('JSON', () => {
  it('parses the fixture: title, roles, ms and seconds, unknown fields', () => {
    const p = parseTranscript(fixture('meeting.json'), { filename: 'meeting.json' });
    expect(p.format).toBe('json');
    expect(p.title).toBe('Quarterly review with Mr. Zhou');
    expect(p.participants).toEqual([
      { name: 'Rep Sun', role: 'rep' },
      { name: '周先生', role: 'customer' },
    ]);
    expect(turns(p)).toEqual([
      ['Rep Sun', 'Your term deposit matures next month. Have you thought about what to do with it?', 0, 4200],
      ['周先生', '还没想好，现在定期利率太低了。', 4500, 7000],
      ['Rep Sun', '我们有一款一年期的理财，风险等级R2。', 7200],
      ['周先生', 'How much could I earn on 300,000?', 11500, 14250],
      ['Rep Sun', "Roughly 10,000 to 11,000 yuan a year, though it isn't guaranteed.", 14500, 19000],
      ['周先生', '那我先买一半试试。', 19500, 21000],
    ]);
    expect(p.warnings).toEqual(['utterances: ignored unknown fields "confidence"']);
  });

  it('accepts a bare array, trims text, and leaves roles null', () => {
    const p = parseText(JSON.stringify([{ speaker: ' 客户 ', text: ' 能便宜点吗？ ', startMs: 0, endMs: 900 }]));
    expect(p.format).toBe('json');
    expect(p.participants).toEqual([{ name: '客户', role: null }]);
    expect(turns(p)).toEqual([['客户', '能便宜点吗？', 0, 900]]);
  });

  it('replaces lone surrogates (JSON escapes) with U+FFFD, so a declared participant is the speaker', () => {
    const doc = '{"title":"T \\ud83d","participants":[{"name":"Zoe \\ud83d","role":"customer"}],"utterances":[{"speaker":"Zoe \\ud83d","text":"ok \\ude00","startMs":0}]}';
    const p = parseText(doc);
    expect(p.title).toBe('T \uFFFD');
    expect(p.participants).toEqual([{ name: 'Zoe \uFFFD', role: 'customer' }]);
    expect(turns(p)).toEqual([['Zoe \uFFFD', 'ok \uFFFD', 0]]);
  });

  it('warns about unknown top-level and participant fields, naming the field a near miss meant', () => {
    const doc = {
      title: 'T',
      participant: [{ name: 'Rep', role: 'rep' }],
      notes: 'x',
      participants: [{ name: 'Rep', rol: 'rep' }, { name: 'Rep', role: 'rep', age: 3 }],
      utterances: [{ ...base, start_ms: 5, Text: 'x' }],
    };
    expect(parseText(JSON.stringify(doc)).warnings).toEqual([
      'file: ignored unknown fields "participant" (did you mean "participants"?), "notes"',
      'participants: ignored unknown fields "rol" (did you mean "role"?), "age"',
      'utterances: ignored unknown fields "start_ms" (did you mean "startMs"?), "Text" (did you mean "text"?)',
    ]);
    // A bare array has no top level; known keys give no warning.
    expect(parseText(JSON.stringify([base])).warnings).toEqual([]);
    expect(parseText(JSON.stringify({ title: 'T', participants: [{ name: 'Rep', role: 'rep' }], utterances: [base] })).warnings).toEqual([]);
  });

  it('suggests a known field only for a near miss', () => {
    const known = new Set(['speaker', 'text', 'startMs', 'endMs', 'start', 'end']);
    expect(nearMiss('speakers', known)).toBe('speaker');
    expect(nearMiss('END_MS', known)).toBe('endMs');
    expect(nearMiss('id', known)).toBeUndefined();
    expect(nearMiss('mood', known)).toBeUndefined();
    expect(nearMiss('confidence', known)).toBeUndefined();
    expect(nearMiss('time', new Set(['title']))).toBeUndefined();
  });

  it('warns about declared participants who never speak', () => {
    const doc = { participants: [{ name: 'Rep', role: 'rep' }, { name: 'Boss', role: null }], utterances: [base] };
    expect(parseText(JSON.stringify(doc)).warnings).toEqual(['participants: "Boss" never speaks; left out']);
  });

  it.each([
    [one({ ...base, startMs: '1000' }), 'utterances.0.startMs: must be a number, got a string', 'utterances.0.startMs'],
    // 1e400 is valid JSON that JSON.parse reads as Infinity.
    [one({ ...base, startMs: 0 }).replace('"startMs":0', '"startMs":1e400'), 'utterances.0.startMs: must be a finite number from 0 to 86400000 ms (24 h), got Infinity', 'utterances.0.startMs'],
    [one({ ...base, endMs: 0 }).replace('"endMs":0', '"endMs":-1e400'), 'utterances.0.endMs: must be a finite number from 0 to 86400000 ms (24 h), got -Infinity', 'utterances.0.endMs'],
    [one({ speaker: 'Rep', text: 'hi', start: 0 }).replace('"start":0', '"start":1e999'), 'utterances.0.start: must be a finite number from 0 to 86400 seconds (24 h), got Infinity', 'utterances.0.start'],
    [one({ text: 'hi', startMs: 0 }), 'utterances.0.speaker: is required', 'utterances.0.speaker'],
    [one({ ...base, text: 42 }), 'utterances.0.text: must be a string, got a number', 'utterances.0.text'],
    [JSON.stringify([base, base, base, { ...base, startMs: -5 }]), 'utterances.3.startMs: must be >= 0', 'utterances.3.startMs'],
    [one({ ...base, startMs: 1.5 }), 'utterances.0.startMs: must be a whole number of milliseconds', 'utterances.0.startMs'],
    [one({ ...base, startMs: 5000, endMs: 4000 }), 'utterances.0.endMs: endMs must be >= startMs', 'utterances.0.endMs'],
    [one({ speaker: 'Rep', text: 'hi', start: -1 }), 'utterances.0.start: must be >= 0', 'utterances.0.start'],
    [one({ speaker: 'Rep', text: 'hi' }), 'utterances.0.startMs: is required (or "start" in seconds)', 'utterances.0.startMs'],
    [one({ ...base, start: 1 }), 'utterances.0: give either "startMs" or "start" (seconds), not both', 'utterances.0.startMs'],
    [one({ ...base, speaker: '   ' }), 'utterances.0.speaker: speaker must not be empty', 'utterances.0.speaker'],
    [JSON.stringify([base, 'hello']), 'utterances.1: must be an object, got a string', 'utterances.1'],
    [JSON.stringify({ utterances: {} }), 'utterances: must be an array, got an object', 'utterances'],
    [JSON.stringify({ Utterances: [base] }), 'utterances: is required (the file has "Utterances"; did you mean "utterances"?)', 'utterances'],
    [JSON.stringify({ turns: [base] }), 'utterances: is required', 'utterances'],
    [JSON.stringify({ title: 7, utterances: [] }), 'title: must be a string, got a number', 'title'],
    [
      JSON.stringify({ participants: [{ name: 'Rep', role: 'boss' }], utterances: [base] }),
      'participants.0.role: ',
      'participants.0.role',
    ],
  ])('names the field: %s', (text, message, field) => {
    const err = errorOf(() => parseText(text, 'json'));
    expect(err.message.startsWith(message)).toBe(true);
    expect(err.field).toBe(field);
  });

  it('gives the line of a JSON syntax error', () => {
    const err = errorOf(() => parseText('{\n  "utterances": [\n    { "speaker": "Rep" "text": "hi" }\n  ]\n}'));
    expect(err).toMatchObject({ code: 'bad_json', line: 3 });
    expect(err.message).toMatch(/^line 3: file is not valid JSON at column 24 \(/);
  });

  it.each([
    ['single-quoted keys', "{\n  \"utterances\": [\n    { 'speaker': 'Rep', 'text': 'hi', 'startMs': 0 }\n  ]\n}", 3, 7],
    ['a single-quoted value', '{\n  "utterances": [\n    { "speaker": \'Rep\' }\n  ]\n}', 3, 18],
    ['a trailing comma', '[\r\n  { "speaker": "Rep", "text": "hi", "startMs": 0 },\r\n]\r\n', 3, 1],
    ['the end of the text', '{\n  "utterances": [\n    { "speaker": tr', 3, 20],
  ])('gives the line and column of a JSON syntax error, also where V8 gives no position: %s', (_what, text, line, column) => {
    const err = errorOf(() => parseText(text, 'json'));
    expect(err).toMatchObject({ code: 'bad_json', line });
    expect(err.message).toMatch(new RegExp(`^line ${line}: file is not valid JSON at column ${column} \\(`));
  });

  it('refuses JSON that is not an array or object, and an empty utterance list', () => {
    expect(errorOf(() => parseText('"just a string"', 'json')).message).toBe(
      'file must hold an array of utterances or an object with "utterances", got a string',
    );
    // It named no field (found by the fuzz tests: `""`); `file`, as the file's other whole-file errors.
    for (const [text, got] of [['""', 'a string'], ['0', 'a number'], ['null', 'null'], ['true', 'a boolean']] as const) {
      expect(errorOf(() => parseText(text, 'json'))).toMatchObject({
        code: 'invalid_field',
        field: 'file',
        message: `file must hold an array of utterances or an object with "utterances", got ${got}`,
      });
    }
    expect(errorOf(() => parseText('{"utterances": []}'))).toMatchObject({ code: 'no_utterances' });
  });

  it('refuses conflicting roles for one participant', () => {
    const doc = { participants: [{ name: 'A', role: 'rep' }, { name: 'A', role: 'customer' }], utterances: [base] };
    expect(errorOf(() => parseText(JSON.stringify(doc))).message).toBe(
      'participants.1.role: "A" is already listed as rep, not customer',
    );
  });
});
