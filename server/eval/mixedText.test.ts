import fs from 'node:fs';
import { projectPath } from '../paths';
import { isMixedText } from './mixedText';

describe('isMixedText', () => {
  it.each([
    ['iPhone 多少钱', true],
    ['OK的', true],
    ['嗯 那个 interest rate 大概是多少啊', true],
    ['annual fee how much ah? 第一年要收吗', true],
    ['这个price还能再低点吗', true],
    ["don't 要了", true],
    ['看看 https://example.com/a 这个 deal', true],
  ])('%j is mixed', (text, want) => expect(isMixedText(text)).toBe(want));

  it.each([
    ['X5 多少钱', 'one letter before a digit: a model number'],
    ['5G 套餐怎么收费', 'letters run into digits'],
    ['RTX4090 有货吗', 'letters run into digits'],
    ['A 款还是 B 款', 'single letters are not words'],
    ['看 www.jd.com 上的价格', 'a web address is not spoken English'],
    ['发到 wang@example.com 吧', 'an e-mail address is not spoken English'],
    ['链接 https://jd.com/item/123，贵吗', 'an address ends at CJK punctuation'],
    ['这个多少钱', 'Chinese only'],
    ['How much is it?', 'English only'],
    ['', 'empty'],
    ['ＯＫ的', 'full-width letters are not ASCII words'],
  ])('%j is not mixed (%s)', (text) => expect(isMixedText(text)).toBe(false));
});

describe('the probe files', () => {
  const texts = (name: string): string[] => fs.readFileSync(projectPath('fixtures', 'verbal', 'probes', `${name}.jsonl`), 'utf8')
    .split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);

  it('every code-switched probe (probes/mixed.jsonl) is mixed by the rule', () => {
    const rows = texts('mixed');
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((t) => !isMixedText(t))).toEqual([]);
  });

  it('the spoken probes, written in one language each, are nearly all not mixed', () => {
    const rows = texts('spoken');
    expect(rows.filter(isMixedText).length).toBeLessThanOrEqual(rows.length / 20);
  });
});
