import { englishNumbers } from './englishNumbers';
import { extractNumbers, priceComparison } from './numbers';
import { normalizeText } from './features';

const read = (text: string): number[] => englishNumbers(normalizeText(text)).map(([, v]) => v);

describe('englishNumbers', () => {
  it('reads numbers written out in full', () => {
    expect(read('thirty four thousand nine hundred')).toEqual([34_900]);
    expect(read('about twenty grand')).toEqual([20_000]);
    expect(read('a hundred and twenty a month')).toEqual([120]);
    expect(read('twelve hundred')).toEqual([1_200]);
    expect(read('one point two million')).toEqual([1_200_000]);
    expect(read('zero point nine percent for sixty months')).toEqual([0.9, 60]);
    expect(read('fifteen k')).toEqual([15_000]);
    expect(read('thirty-four')).toEqual([34]);
  });

  it('reads the spoken price shorthand as one price', () => {
    expect(read('listed at six forty nine')).toEqual([649]);
    expect(read('it starts at nine ninety nine')).toEqual([999]);
    expect(read('thirty one four ninety five before add ons')).toEqual([31_495]);
    expect(read('thirty four nine is a bit steep')).toEqual([34_900]);
    expect(read('the HOA is two ten a month')).toEqual([210]);
    expect(read('forty two ninety per person')).toEqual([4_290]);
  });

  it('leaves a lone word under ten alone unless money or a share follows it', () => {
    expect(read('this one is nicer than the other one')).toEqual([]);
    expect(read('a two bedroom')).toEqual([]);
    expect(read('I will take two')).toEqual([]);
    expect(read('five dollars off')).toEqual([5]);
    expect(read('maybe five percent')).toEqual([5]);
    expect(read('a lot of')).toEqual([]);
  });

  it('ends a number at punctuation, so two prices in a list stay two', () => {
    expect(read('thirty, forty')).toEqual([30, 40]);
    expect(read('twenty grand. thirty grand')).toEqual([20_000, 30_000]);
  });

  it('gives where each number starts, so digits and words sort into text order', () => {
    expect(extractNumbers(normalizeText('it was 500, now four fifty'))).toEqual([500, 450]);
    expect(extractNumbers(normalizeText('sixty or $40'))).toEqual([60, 40]);
  });

  it('makes a spoken counter-offer compare with the price before it', () => {
    const ctx = extractNumbers(normalizeText('with tax and the doc fee you are out the door at thirty four two'));
    const utt = extractNumbers(normalizeText('can you match thirty two five'));
    expect(ctx).toEqual([34_200]);
    expect(priceComparison(utt, ctx)).toBe('below');
    const written = extractNumbers(normalizeText("it's $34,200 out the door"));
    expect(priceComparison(utt, written)).toBe('below');
  });

  it('reads a long run of number words as one number per group', () => {
    expect(read('nine '.repeat(50_000))).toEqual(Array(50_000).fill(9));
    expect(read('one and '.repeat(50_000))).toEqual([]);
  });
});
