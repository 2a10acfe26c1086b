import { exportDisposition, sessionTranscript } from './export';
import { parseTranscript } from './index';
import type { Session, Utterance } from '../../protocol/protocol';

const session: Session = {
  id: 's_1',
  title: '王经理 · Q3 review',
  createdAt: 0,
  demo: false,
  participants: [
    { name: '王经理', role: 'customer' },
    { name: 'Ada', role: 'rep' },
    { name: 'Guest', role: null },
  ],
};
const utt = (seq: number, speaker: string, text: string, startMs: number, endMs: number): Utterance => ({
  id: seq, sessionId: 's_1', seq, speaker, role: null, text, startMs, endMs, receivedAt: 5,
});

describe('sessionTranscript', () => {
  it('is read back by the JSON parser as the same title, participants, roles and turns', () => {
    const utterances = [utt(1, 'Ada', 'Hello "there"\\', 0, 1200), utt(2, '王经理', '多少钱？', 1500, 1500), utt(3, 'Guest', 'Hm.', 900, 1000)];
    const doc = sessionTranscript({ session, utterances });
    expect(doc).toEqual({
      title: '王经理 · Q3 review',
      participants: session.participants,
      utterances: [
        { speaker: 'Ada', text: 'Hello "there"\\', startMs: 0, endMs: 1200 },
        { speaker: '王经理', text: '多少钱？', startMs: 1500, endMs: 1500 },
        { speaker: 'Guest', text: 'Hm.', startMs: 900, endMs: 1000 },
      ],
    });
    const back = parseTranscript(Buffer.from(JSON.stringify(doc)), { filename: 'x.json' });
    expect(back.format).toBe('json');
    expect(back.warnings).toEqual([]);
    expect(back.title).toBe(doc.title);
    // In order of first appearance, as every upload lists them.
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect([...back.participants].sort(byName)).toEqual([...doc.participants].sort(byName));
    expect(back.utterances).toEqual(doc.utterances);
  });
});

describe('exportDisposition', () => {
  it('names an ASCII title as it is', () => {
    expect(exportDisposition('Q3 review', 's_1')).toBe('attachment; filename="Q3 review.json"');
  });

  it('gives a Chinese title an ASCII fallback (the id when nothing readable is left) and filename*', () => {
    expect(exportDisposition('王经理会谈', 's_1')).toBe(`attachment; filename="s_1.json"; filename*=UTF-8''${encodeURIComponent('王经理会谈.json')}`);
    expect(exportDisposition('王经理 Q3', 's_1')).toBe(`attachment; filename="_ Q3.json"; filename*=UTF-8''${encodeURIComponent('王经理 Q3.json')}`);
  });

  it('replaces characters file systems refuse and quotes, escapes RFC 5987 specials, and falls back to the id', () => {
    expect(exportDisposition('a/b\\c:"d"*?<>|\n', 's_1')).toBe('attachment; filename="a_b_c_d_.json"');
    expect(exportDisposition(" it's (new)", 's_1')).toBe(`attachment; filename="it's (new).json"`);
    expect(exportDisposition('é', 's_1')).toBe(`attachment; filename="s_1.json"; filename*=UTF-8''%C3%A9.json`);
    expect(exportDisposition("é'(", 's_1')).toContain(`filename*=UTF-8''%C3%A9%27%28.json`);
    expect(exportDisposition('...', 's_1')).toBe('attachment; filename="s_1.json"');
    expect(exportDisposition('//', 's_1')).toBe('attachment; filename="s_1.json"');
  });

  it('keeps at most 100 characters of a long title', () => {
    expect(exportDisposition('x'.repeat(300), 's_1')).toBe(`attachment; filename="${'x'.repeat(100)}.json"`);
  });
});
