// Counts in words: English has a singular ("1 cue", not "1 cues"); Chinese one form.
import { CUE_REASONS } from '../protocol/protocol';
import { correctionLabelName, cueReasonName, labelled, labelsSummary, participantsLine, setLang, STRING_KEYS, t, techniqueName, tn } from './i18n';

beforeAll(() => {
  // setLang sets <html lang>; the rest of i18n needs no DOM.
  (globalThis as { document?: unknown }).document = { documentElement: { lang: 'en' } };
});

afterEach(() => setLang('en'));

test('English counts use the singular for exactly one', () => {
  expect(tn('cuesCount', 1)).toBe('1 cue');
  expect(tn('cuesCount', 0)).toBe('0 cues');
  expect(tn('cuesCount', 2)).toBe('2 cues');
  expect(tn('utterancesCount', 1)).toBe('1 utterance');
  expect(tn('utterancesCount', 18)).toBe('18 utterances');
  expect(tn('signalsCount', 1)).toBe('1 signal');
  const counts = [tn('utterancesCount', 1), tn('signalsCount', 1), tn('cuesCount', 0)].join(t('listSep'));
  expect(t('uploadDone', { title: 'Call', counts })).toBe('Uploaded “Call”: 1 utterance, 1 signal, 0 cues.');
});

test('Chinese counts have one form', () => {
  setLang('zh');
  expect(tn('cuesCount', 1)).toBe('1 条提示');
  expect(tn('cuesCount', 3)).toBe('3 条提示');
  expect(tn('utterancesCount', 1)).toBe('1 句发言');
  const counts = [tn('utterancesCount', 4), tn('signalsCount', 2), tn('cuesCount', 1)].join(t('listSep'));
  expect(t('uploadDone', { title: '会谈', counts })).toBe('已上传“会谈”：4 句发言，2 个信号，1 条提示。');
});

test('the video panel’s counts and the footer’s protocol are worded too', () => {
  expect([tn('framesCount', 1), tn('framesCount', 2), tn('peopleCount', 1), tn('peopleCount', 3)]).toEqual(['1 frame', '2 frames', '1 person', '3 people']);
  expect(t('posePaused', { frames: tn('framesCount', 1) })).toBe('Stopped after 1 frame.');
  expect(t('protocolVersion', { v: 1 })).toBe('protocol v1');
  setLang('zh');
  expect(t('poseRunning', { frames: tn('framesCount', 1), people: tn('peopleCount', 1), ms: 40, last: '点头' })).toBe(
    '分析中：已保存 1 帧 · 1 人 · 每帧 40 毫秒 · 最近姿态：点头',
  );
  expect(t('protocolVersion', { v: 1 })).toBe('协议 v1');
});

test('labels and the participant list are punctuated in the language shown', () => {
  const people = [
    { name: '王经理', role: 'rep' as const },
    { name: 'Lee', role: 'customer' as const },
  ];
  expect(participantsLine(people)).toBe('Participants: 王经理 (Sales rep), Lee (Customer)');
  expect(labelled(t('model'), 'v1')).toBe('Model: v1');
  setLang('zh');
  expect(participantsLine(people)).toBe('参与者：王经理（客户经理），Lee（客户）');
  expect(labelled(t('model'), 'v1')).toBe('模型：v1');
});

test('the posture legend does not reuse the demo badge’s “Ready” in English', () => {
  expect(t('postureReady')).not.toBe(t('preview'));
});

test('a coach’s label reads as the signal’s name, neutral as "No signal"; the summary counts in both languages', () => {
  expect(t('coachLabel', { label: correctionLabelName('price_inquiry') })).toBe('Coach: Price question');
  expect(correctionLabelName('neutral')).toBe('No signal');
  expect(labelsSummary(3, 2)).toBe('3 turns labelled · model agrees on 2');
  expect(labelsSummary(1, 0)).toBe('1 turn labelled · model agrees on 0');
  setLang('zh');
  expect(t('coachLabel', { label: correctionLabelName('price_inquiry') })).toBe('教练：询价');
  expect(correctionLabelName('neutral')).toBe('无信号');
  expect(labelsSummary(3, 2)).toBe('已标注 3 句发言 · 模型判断一致 2 句');
});

test('comments are counted in both languages', () => {
  expect(tn('commentsCount', 1)).toBe('1 comment');
  expect(tn('commentsCount', 3)).toBe('3 comments');
  setLang('zh');
  expect(tn('commentsCount', 3)).toBe('3 条点评');
});

test('both languages take the same placeholders in every string', () => {
  const placeholders = (key: (typeof STRING_KEYS)[number]) => [...t(key).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const of = (lang: 'en' | 'zh') => {
    setLang(lang);
    return Object.fromEntries(STRING_KEYS.map((k) => [k, placeholders(k)]));
  };
  expect(of('zh')).toEqual(of('en'));
});

test('Chinese strings follow docs/glossary.md: full-width punctuation, no space before it, no retired terms', () => {
  setLang('zh');
  for (const key of STRING_KEYS) {
    const s = t(key);
    // A half-width colon, comma or parenthesis right after a Chinese character or before one.
    expect([key, /[\u4e00-\u9fff][:;,?!()]|[:;,?!(][\u4e00-\u9fff]/.test(s)]).toEqual([key, false]);
    // No space next to full-width punctuation (the em dash of "— 请选择 —" is not one).
    expect([key, /\s[，。：；？！（）、“”]|[，。：；？！（、“”]\s/.test(s)]).toEqual([key, false]);
    // One term per concept: 会谈 (not 会话/会议), 点评 (not 评论), 文字记录 (not 会谈记录), 姿态 (not 姿势).
    expect([key, /会话|会议|评论|会谈记录|姿势|你/.test(s)]).toEqual([key, false]);
  }
});

test('techniques are named as the bank\'s training deck names them', () => {
  setLang('zh');
  expect(['direct_request', 'assumptive_close', 'benefit_listing', 'address_objection'].map((x) => techniqueName(x as Parameters<typeof techniqueName>[0]))).toEqual([
    '直接请求法',
    '推定承诺法',
    '利益罗列法',
    '处理异议',
  ]);
});

test('cue reasons are named in both languages, each its own words; an unknown one (a newer server\'s) by its identifier', () => {
  const en = CUE_REASONS.map(cueReasonName);
  expect(cueReasonName('objection_removed')).toBe('Objection removed');
  expect(new Set(en).size).toBe(CUE_REASONS.length);
  for (const [i, r] of CUE_REASONS.entries()) expect(en[i]).not.toBe(r);
  expect(cueReasonName('a_new_reason')).toBe('a_new_reason');
  expect(cueReasonName('constructor')).toBe('constructor');
  setLang('zh');
  const zh = CUE_REASONS.map(cueReasonName);
  expect(cueReasonName('objection_removed')).toBe('异议已消除');
  expect(new Set(zh).size).toBe(CUE_REASONS.length);
  for (const name of zh) expect(name).toMatch(/[\u4e00-\u9fff]/);
  expect(cueReasonName('a_new_reason')).toBe('a_new_reason');
});
