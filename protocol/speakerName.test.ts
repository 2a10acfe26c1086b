// The one rule every path normalises a speaker's name by.
import { normalizeSpeakerName } from './speakerName';

describe('normalizeSpeakerName', () => {
  it('collapses any run of Unicode whitespace to one space and trims', () => {
    for (const s of ['Alice  Smith', 'Alice\u00a0Smith', 'Alice\tSmith', 'Alice\nSmith', 'Alice\r\n Smith', 'Alice\u3000Smith', 'Alice\u0085Smith', 'Alice\u2028Smith', ' Alice Smith\t']) {
      expect(normalizeSpeakerName(s)).toBe('Alice Smith');
    }
  });

  it('drops invisible format characters (Unicode Cf) wherever they are', () => {
    const invisible = ['\u200B', '\u200C', '\u200E', '\u200F', '\u202A', '\u202E', '\u2060', '\u2064', '\uFEFF', '\u00AD', '\u061C', '\u{E0001}'];
    for (const c of invisible) {
      expect(normalizeSpeakerName(`${c}Alice`)).toBe('Alice');
      expect(normalizeSpeakerName(`Al${c}ice${c}${c}`)).toBe('Alice');
      expect(normalizeSpeakerName(`Alice ${c} Smith`)).toBe('Alice Smith');
    }
    expect(normalizeSpeakerName('\u200E\u200EAlice')).toBe('Alice');
    expect(normalizeSpeakerName('Alice\u200D')).toBe('Alice');
  });

  it('drops control characters that are not whitespace (NUL, U+0001, DEL, C1): "Li\\u0000" was a second participant beside "Li", and "\\u0001" a name nobody could see', () => {
    for (const c of ['\u0000', '\u0001', '\u0008', '\u000E', '\u001B', '\u001F', '\u007F', '\u0080', '\u009F']) {
      expect(normalizeSpeakerName(`Li${c}`)).toBe('Li');
      expect(normalizeSpeakerName(`${c}Alice ${c}Smith`)).toBe('Alice Smith');
      expect(normalizeSpeakerName(c)).toBe('');
    }
    // Whitespace controls are whitespace, as before.
    expect(normalizeSpeakerName('Alice\u000B\u000CSmith')).toBe('Alice Smith');
  });

  it('is NFC: a decomposed accent equals the precomposed letter; compatibility forms are left alone', () => {
    expect(normalizeSpeakerName('Jose\u0301')).toBe('Jos\u00e9');
    expect(normalizeSpeakerName('Ｂｏ')).toBe('Ｂｏ');
    expect(normalizeSpeakerName('王经理')).toBe('王经理');
  });

  it('keeps the zero-width joiner inside emoji sequences and the tags of a flag, which change what is drawn', () => {
    for (const emoji of ['👩\u200D💻', '👨\u200D👩\u200D👧', '❤\uFE0F\u200D🔥', '👩🏽\u200D💻', '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}']) {
      expect(normalizeSpeakerName(`Bo ${emoji}`)).toBe(`Bo ${emoji}`);
    }
    // Not between two pictographs: dropped.
    expect(normalizeSpeakerName('Bo\u200D👩')).toBe('Bo👩');
    expect(normalizeSpeakerName('\u{E0067}Bo')).toBe('Bo');
  });

  it('gives an empty string for a name of nothing but spaces and invisible characters (callers refuse it)', () => {
    for (const s of ['', '   ', '\u200B', '\u200E\u200E', '\uFEFF\u00a0\t', '\u200D']) expect(normalizeSpeakerName(s)).toBe('');
  });

  it('is idempotent', () => {
    for (const s of ['  Alice\u200B  Smith ', '👩\u200D💻 Bo', 'Jose\u0301\u00a0M']) {
      expect(normalizeSpeakerName(normalizeSpeakerName(s))).toBe(normalizeSpeakerName(s));
    }
  });
});
