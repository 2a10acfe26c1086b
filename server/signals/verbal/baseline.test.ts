import { baselineLabel, createKeywordBaseline } from './baseline';

describe('keyword baseline', () => {
  it.each([
    ['How much is it?', 'price_inquiry'],
    ['这个多少钱', 'price_inquiry'],
    ['Any discount if I take two?', 'discount_request'],
    ['能便宜点吗', 'discount_request'],
    ["OK, I'll take it", 'purchase_intent'],
    ['我现在下单', 'purchase_intent'],
    ['That is too expensive', 'resistance'],
    ['我再考虑一下', 'resistance'],
    ['What colour is it?', 'neutral'],
    ['ＨＯＷ ＭＵＣＨ', 'price_inquiry'],
  ])('%s -> %s', (text, label) => {
    expect(baselineLabel(text)).toBe(label);
  });

  it('follows the rubric precedence: discount before price', () => {
    expect(baselineLabel('How much? Can you go lower?')).toBe('discount_request');
  });

  it('implements the classifier interface', () => {
    const b = createKeywordBaseline();
    const [p] = b.classify([{ text: '太贵了' }]);
    expect(b.version).toBe('keyword-baseline');
    expect(p).toMatchObject({ label: 'resistance', score: 1 });
    expect(p!.scores.neutral).toBe(0);
  });
});
