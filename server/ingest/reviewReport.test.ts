// The Markdown review report from a snapshot: its sections and counts, one time line in media
// order (turns, cues, posture, comments at one time), both languages, times past an hour, an
// empty session, and user text that must read as typed (no Markdown, no HTML).
import type { Comment, Cue, PostureSignal, SessionSnapshot, Utterance, VerbalSignal } from '../../protocol/protocol';
import { escapeMarkdown, formatMediaTime, reviewReport, type ReviewInput } from './reviewReport';

const SID = 's1';
const turn = (id: number, speaker: string, role: 'customer' | 'rep' | null, text: string, startMs: number): Utterance => ({
  id, sessionId: SID, seq: id, speaker, role, text, startMs, endMs: startMs + 500, receivedAt: 0,
});
const verbal = (id: number, utteranceId: number, label: VerbalSignal['label'], score: number, mediaMs: number): VerbalSignal => ({
  id, sessionId: SID, kind: 'verbal', utteranceId, participant: 'Li', label, score, scores: {} as VerbalSignal['scores'], mediaMs, text: '', modelVersion: 'verbal-3',
});
const posture = (id: number, label: PostureSignal['label'], startedMs: number, endedMs: number | null): PostureSignal => ({
  id, sessionId: SID, kind: 'posture', participant: 'Li', label, score: 0.7, mediaMs: startedMs, startedMs, endedMs, frameId: null, features: {}, source: 'browser', modelVersion: 'posture-1',
});
const cue = (id: number, mediaMs: number): Cue => ({
  id, sessionId: SID, type: 'closing_moment', reason: 'buying_signal', mediaMs, score: 0.86, evidence: [], technique: 'direct_request',
  title: { en: 'Closing moment: the customer asked about the price', zh: '成交时机：客户询问了价格' },
  tip: { en: 'Ask for the decision now.', zh: '现在就提出成交请求。' },
  modelVersion: 'verbal-3', inputReceivedAt: 0, emittedAt: 0,
});
const comment = (id: number, mediaMs: number, text: string, author: string | null = null, editedAt: number | null = null): Comment => ({
  id, sessionId: SID, mediaMs, text, author, createdAt: 1, editedAt,
});

function snapshot(over: Partial<SessionSnapshot> = {}): ReviewInput {
  return {
    session: { id: SID, title: 'Q3 renewal', createdAt: Date.UTC(2026, 10, 30, 9, 5), demo: false, participants: [{ name: 'Ada', role: 'rep' }, { name: 'Li', role: 'customer' }, { name: 'Mo', role: null }] },
    utterances: [], signals: [], cues: [], modelVersions: { verbal: [], posture: [] }, corrections: [], cueReviews: [], postureLabels: [], comments: [],
    ...over,
  };
}

/** A meeting with something of every kind, several at 5 s. */
function full(): ReviewInput {
  return snapshot({
    utterances: [turn(1, 'Ada', 'rep', 'Here is the plan.', 0), turn(2, 'Li', 'customer', 'How much is it?', 5000), turn(3, 'Li', 'customer', 'Fine.', 9000)],
    signals: [verbal(10, 2, 'price_inquiry', 0.91, 5000), posture(11, 'arms_crossed', 5000, 8000), posture(12, 'leaning_forward', 7000, null)],
    cues: [cue(20, 5000)],
    modelVersions: { verbal: ['verbal-3'], posture: ['posture-1'] },
    corrections: [
      { sessionId: SID, utteranceId: 2, label: 'discount_request', note: 'really a haggle', correctedAt: 1 },
      { sessionId: SID, utteranceId: 3, label: 'neutral', note: null, correctedAt: 1 },
    ],
    cueReviews: [
      { sessionId: SID, cueType: 'closing_moment', mediaMs: 5000, cueId: 20, verdict: 'useful', note: 'right on time', reviewedAt: 1 },
      { sessionId: SID, cueType: 'resistance', mediaMs: 1000, cueId: null, verdict: 'false_alarm', note: null, reviewedAt: 1 },
    ],
    postureLabels: [{ sessionId: SID, frameId: 7, participant: 'Li', mediaMs: 7500, labels: ['arms_crossed', 'leaning_forward'], note: null, labelledAt: 1 }],
    comments: [comment(31, 5000, 'Ask for the deal here', 'Coach Wu'), comment(30, 5000, 'she asked twice', null, 2)],
  });
}

const timeline = (md: string) => md.slice(md.indexOf('## ', md.indexOf(md.includes('## Time line') ? '## Time line' : '## 时间轴')));

describe('signal thresholds', () => {
  it('names those the signals were made under, in the report’s language; none recorded is said so', () => {
    const md = (th: { resistance?: number }[] | undefined, lang: 'en' | 'zh' = 'en') => reviewReport(snapshot({ modelVersions: { verbal: ['verbal-3'], posture: [], ...(th ? { thresholds: th } : {}) } }), lang);
    expect(md([{ resistance: 0.6 }, {}])).toContain('- Signal thresholds: Resistance ≥ 0.6 / none');
    expect(md([{ resistance: 0.6 }], 'zh')).toContain('- 信号阈值：抗拒 ≥ 0.6');
    expect(md([])).toContain('- Signal thresholds: not recorded (analysed before the server kept them)');
    expect(md(undefined)).not.toContain('Signal thresholds');
  });
});

describe('formatMediaTime', () => {
  it('is m:ss under an hour and h:mm:ss from an hour on, whole seconds rounded down', () => {
    expect(formatMediaTime(0)).toBe('0:00');
    expect(formatMediaTime(5_999)).toBe('0:05');
    expect(formatMediaTime(65_000)).toBe('1:05');
    expect(formatMediaTime(3_599_999)).toBe('59:59');
    expect(formatMediaTime(3_600_000)).toBe('1:00:00');
    expect(formatMediaTime(3_725_000)).toBe('1:02:05');
    expect(formatMediaTime(86_400_000)).toBe('24:00:00');
  });
});

describe('escapeMarkdown', () => {
  it('lets no Markdown or HTML through and keeps the text readable as typed', () => {
    expect(escapeMarkdown('**50%** <b>off</b>')).toBe('\\*\\*50%\\*\\* &lt;b&gt;off&lt;/b&gt;');
    expect(escapeMarkdown('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeMarkdown('| pipes | here |')).toBe('\\| pipes \\| here \\|');
    expect(escapeMarkdown('# not a heading #')).toBe('\\# not a heading \\#');
    expect(escapeMarkdown('_a_ `b` [c](d) ~~e~~ \\ f & g ![h]')).toBe('\\_a\\_ \\`b\\` \\[c\\](d) \\~\\~e\\~\\~ \\\\ f &amp; g \\!\\[h\\]');
    expect(escapeMarkdown('- a list?')).toBe('\\- a list?');
    expect(escapeMarkdown('1. first')).toBe('1\\. first');
    expect(escapeMarkdown('  line one\r\n\n  line two\u2028three\t ')).toBe('line one line two three');
    expect(escapeMarkdown('这个多少钱？')).toBe('这个多少钱？');
  });
});

describe('reviewReport', () => {
  it('gives the title, participants with roles, the models and the summary counts', () => {
    const md = reviewReport(full(), 'en');
    expect(md.startsWith('# Meeting review: Q3 renewal\n\nSession `s1` · recorded 2026-11-30 09:05 UTC\n')).toBe(true);
    expect(md).toContain('## Participants\n\n- Ada (Sales rep)\n- Li (Customer)\n- Mo (no role)\n');
    expect(md).toContain('- Verbal model: verbal-3\n- Posture model: posture-1\n');
    expect(md).toContain([
      '- Turns: 3 (customer turns: 2)',
      '- Cues: Closing moment 1',
      "- Coach's verdicts on cues: 1 useful, 0 false alarm",
      '- Earlier verdicts on cues no longer emitted: 1',
      // Turn 2: coach says discount, model price; turn 3: both neutral (no signal).
      '- Turns labelled by a coach: 2 · model agrees on 1',
      // At 7.5 s arms crossed and leaning in are both on: the model agrees.
      '- Posture moments labelled: 1 · model agrees on 1',
      '- Comments: 2',
    ].join('\n'));
    expect(md.endsWith('\n')).toBe(true);
  });

  it('merges one time line in media order: at one time turns, then cues, then posture, then comments (comments by id)', () => {
    const lines = timeline(reviewReport(full(), 'en')).split('\n');
    expect(lines).toEqual([
      '## Time line',
      '',
      '- **0:00** · Ada (Sales rep): Here is the plan.',
      '- **0:05** · Li (Customer): How much is it?',
      '  - Signal: Price question (score 0.91)',
      "  - Coach's label: **Discount request** (model said ~~Price question~~)",
      '  - Note: really a haggle',
      '- **0:05** · **Closing moment**: the customer asked about the price (score 0.86)',
      '  - Technique: Direct request: Ask for the decision now.',
      '  - Coach: **useful**',
      '    - Note: right on time',
      '- **0:05** · Li (Customer): posture **Arms crossed** starts (score 0.70)',
      '- **0:05** · **Comment** _(edited)_: she asked twice',
      '- **0:05** · **Comment** by Coach Wu: Ask for the deal here',
      '- **0:07** · Li (Customer): posture **Leaning in** starts (score 0.70)',
      "- **0:07** · Coach's posture label for Li (Customer): **Arms crossed, Leaning in** (model agrees)",
      '- **0:08** · Li (Customer): posture **Arms crossed** ends',
      '- **0:09** · Li (Customer): Fine.',
      "  - Coach's label: **No signal** (model agrees)",
      '',
    ]);
  });

  it('is in Chinese with lang zh: headings, label names, technique and tip; the meeting\'s words as stored', () => {
    const md = reviewReport(full(), 'zh');
    expect(md).toContain('# 会谈复盘：Q3 renewal');
    for (const heading of ['## 参与者', '## 模型', '## 概要', '## 时间轴']) expect(md).toContain(`\n${heading}\n`);
    expect(md).toContain('- Li（客户）');
    expect(md).toContain('- 教练已标注 2 句发言 · 模型判断一致 1 句');
    expect(md).toContain("  - 教练标注：**要求优惠**（模型判断为~~询价~~）");
    expect(md).toContain('- **0:05** · **成交时机**：客户询问了价格（分数 0.86）');
    expect(md).toContain('  - 成交方法：直接请求法——现在就提出成交请求。');
    expect(md).toContain('  - 教练：**有用**');
    expect(md).toContain('- **0:05** · Li（客户）：**双臂交叉**开始（分数 0.70）');
    // A comment's author and "edited" go in one full-width parenthesis.
    expect(md).toContain('- **0:05** · **点评**（已编辑）：she asked twice');
    expect(md).toContain('- **0:05** · **点评**（Coach Wu）：Ask for the deal here');
    // Full-width separators throughout: no half-width colon or parenthesis after Chinese words.
    expect(md).not.toMatch(/[\u4e00-\u9fff）](: | \()/);
    expect(md).toContain('How much is it?');
    expect(md).not.toMatch(/Closing moment|Price question|Direct request/);
  });

  it('names a cue\'s type once: a title opening with it loses it, one stored with another wording keeps it whole', () => {
    const resist = (id: number, zh: string): Cue => ({
      ...cue(id, 1000), type: 'resistance', reason: 'customer_resists', technique: 'address_objection',
      title: { en: 'Resistance: the customer is pushing back', zh }, tip: { en: 'Do not ask yet.', zh: '暂不提出成交。' },
    });
    const md = reviewReport(snapshot({ cues: [resist(1, '抗拒：客户提出异议'), resist(2, '抗拒信号：客户有顾虑')] }), 'zh');
    expect(md).toContain('- **0:01** · **抗拒**：客户提出异议（分数 0.86）\n');
    expect(md).toContain('- **0:01** · **抗拒**：抗拒信号：客户有顾虑（分数 0.86）\n');
    expect(md).toContain('  - 成交方法：处理异议——暂不提出成交。\n');
    expect(reviewReport(snapshot({ cues: [resist(1, 'x')] }), 'en')).toContain('- **0:01** · **Resistance**: the customer is pushing back (score 0.86)\n');
  });

  it('escapes hostile words, names, notes, titles and comments so they read as typed', () => {
    const hostile = '<script>alert("x")</script> | pipes | **bold** _it_ `code` [link](http://x) &amp;';
    const md = reviewReport(snapshot({
      session: { ...snapshot().session, title: '# Title <img src=x>', participants: [{ name: '**Boss**', role: 'customer' }] },
      utterances: [turn(1, '**Boss**', 'customer', `# heading?\n${hostile}\nsecond line`, 3_725_000)],
      corrections: [{ sessionId: SID, utteranceId: 1, label: 'neutral', note: '<i>n</i>\n- item', correctedAt: 1 }],
      comments: [comment(1, 3_725_000, `## not a heading\n\n${hostile}`, '<b>Wu</b>')],
    }), 'en');
    expect(md).not.toMatch(/<(script|b|i|img)\b/);
    expect(md.split('\n')[0]).toBe('# Meeting review: \\# Title &lt;img src=x&gt;');
    const esc = '&lt;script&gt;alert("x")&lt;/script&gt; \\| pipes \\| \\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\[link\\](http://x) &amp;amp;';
    expect(md).toContain(`- **1:02:05** · \\*\\*Boss\\*\\* (Customer): \\# heading? ${esc} second line\n`);
    expect(md).toContain('  - Note: &lt;i&gt;n&lt;/i&gt; - item\n');
    expect(md).toContain(`- **1:02:05** · **Comment** by &lt;b&gt;Wu&lt;/b&gt;: \\#\\# not a heading ${esc}\n`);
    // No line the user's text made starts a block of its own.
    for (const line of timeline(md).split('\n').slice(2)) expect(line).toMatch(/^(- \*\*|  - |$)/);
  });

  it('says so when the session has nothing yet', () => {
    const md = reviewReport(snapshot({ session: { ...snapshot().session, participants: [] } }), 'en');
    expect(md).toContain('No participants yet.');
    expect(md).toContain('- Verbal model: none\n- Posture model: none');
    expect(md).toContain('- Turns: 0 (customer turns: 0)\n- Cues: none\n');
    expect(md).not.toContain('Earlier verdicts');
    expect(md.endsWith('## Time line\n\n_Nothing in this session yet._\n')).toBe(true);
    expect(reviewReport(snapshot(), 'zh').endsWith('## 时间轴\n\n_此会谈还没有内容。_\n')).toBe(true);
  });

  it('does not count a label whose turn or participant is no longer a customer\'s, but still shows it', () => {
    const snap = full();
    snap.session.participants = snap.session.participants.map((p) => (p.name === 'Li' ? { ...p, role: 'rep' } : p));
    snap.utterances = snap.utterances.map((u) => ({ ...u, role: u.speaker === 'Li' ? 'rep' : u.role }));
    const md = reviewReport(snap, 'en');
    expect(md).toContain('- Turns labelled by a coach: 0 · model agrees on 0');
    expect(md).toContain('- Posture moments labelled: 0 · model agrees on 0');
    expect(md).toContain("Coach's posture label for Li (Sales rep)");
    // A rep's turn shows no signal line.
    expect(md).not.toContain('Signal: Price question');
  });

  it('marks an edited turn with its original words and speaker, in both languages, escaped as other user text', () => {
    const edited = (u: Utterance, originalSpeaker: string, originalText: string): Utterance => ({ ...u, originalSpeaker, originalText, editedAt: 2 });
    const snap = full();
    snap.utterances = [snap.utterances[0]!, edited(snap.utterances[1]!, 'Ada', '这个方案多少前？'), snap.utterances[2]!];
    const en = timeline(reviewReport(snap, 'en')).split('\n');
    // Under the turn's line, before its signal; the turns never edited have no marker.
    expect(en.slice(2, 6)).toEqual([
      '- **0:00** · Ada (Sales rep): Here is the plan.',
      '- **0:05** · Li (Customer): How much is it?',
      '  - Edited by a coach. Originally Ada: “这个方案多少前？”',
      '  - Signal: Price question (score 0.91)',
    ]);
    expect(en.filter((l) => l.includes('Edited'))).toHaveLength(1);
    const zh = reviewReport(snap, 'zh');
    expect(zh).toContain('- **0:05** · Li（客户）：How much is it?\n  - 教练已编辑。原为Ada：“这个方案多少前？”\n  - 信号：');
    expect(zh).not.toMatch(/[\u4e00-\u9fff）](: | \()/);
    // The original words and speaker are user text: escaped, on one line.
    snap.utterances = [edited(turn(1, 'Li', 'customer', 'ok', 0), '<b>Boss</b>', '**50%**\n- off <i>now</i>')];
    const md = reviewReport(snap, 'en');
    expect(md).toContain('  - Edited by a coach. Originally &lt;b&gt;Boss&lt;/b&gt;: “\\*\\*50%\\*\\* - off &lt;i&gt;now&lt;/i&gt;”\n');
    expect(md).not.toMatch(/<(b|i)\b/);
  });

  it('marks a signal under the score a cue needs as uncertain, as the client does, at the server\'s setting', () => {
    const snap = full();
    expect(reviewReport(snap, 'en')).toContain('  - Signal: Price question (score 0.91)\n');
    const strict = reviewReport(snap, 'en', { cueMinSignalScore: 0.95 });
    expect(strict).toContain('  - Signal: Price question (score 0.91 · uncertain: below the 0.95 a cue needs)');
    expect(reviewReport(snap, 'zh', { cueMinSignalScore: 0.95 })).toContain('把握不足：低于触发提示所需的 0.95');
  });
});
