import { createHash } from 'node:crypto';
import { splitKey } from '../signals/verbal/train';
import { isHeldOut, isTrainedKey, parseTrainedRows, rowKey, sameWords, splitHoldOut, trainedRowsJson } from './holdOut';

const texts = Array.from({ length: 4000 }, (_, i) => `turn number ${i} about the price ${i % 7}`);
const share = (percent: number, seed = 7) => texts.filter((t) => isHeldOut(t, percent, seed)).length / texts.length;

describe('isHeldOut', () => {
  it('is deterministic and ignores surrounding space', () => {
    for (const t of texts.slice(0, 200)) {
      expect(isHeldOut(t, 20, 7)).toBe(isHeldOut(t, 20, 7));
      expect(isHeldOut(`  ${t}\n`, 20, 7)).toBe(isHeldOut(t, 20, 7));
    }
  });

  it('holds out about the percent asked', () => {
    expect(share(0)).toBe(0);
    expect(Math.abs(share(20) - 0.2)).toBeLessThan(0.025);
    expect(Math.abs(share(50) - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(share(50, 8) - 0.5)).toBeLessThan(0.03);
  });

  it('a larger percent holds out a superset; another seed another set', () => {
    expect(texts.every((t) => !isHeldOut(t, 10, 7) || isHeldOut(t, 20, 7))).toBe(true);
    expect(texts.filter((t) => isHeldOut(t, 50, 7) !== isHeldOut(t, 50, 8)).length).toBeGreaterThan(1000);
  });
});

describe('splitHoldOut', () => {
  it('keeps order and splits every row one way', () => {
    const rows = texts.slice(0, 500).map((text, i) => ({ text, i }));
    const { trained, heldOut } = splitHoldOut(rows, 30, 7);
    expect(trained.length + heldOut.length).toBe(500);
    expect(trained.map((r) => r.i)).toEqual([...trained.map((r) => r.i)].sort((a, b) => a - b));
    expect(heldOut.every((r) => isHeldOut(r.text, 30, 7))).toBe(true);
    expect(splitHoldOut(rows, 0, 7).heldOut).toEqual([]);
  });
});

describe('trained rows', () => {
  it('keys are 16 hex of the trimmed text, listed sorted and once', () => {
    expect(rowKey(' a ')).toBe(rowKey('a'));
    expect(rowKey('a')).toMatch(/^[0-9a-f]{16}$/);
    const json = trainedRowsJson(['b', 'a', ' a']);
    const keys = JSON.parse(json) as string[];
    expect(keys).toEqual([rowKey('a'), rowKey('b')].sort());
    expect(parseTrainedRows(json)).toEqual(new Set(keys));
    expect(parseTrainedRows(trainedRowsJson([]))).toEqual(new Set());
    expect(() => parseTrainedRows('{"a":1}')).toThrow(/list of 16-hex-digit keys/);
  });
});

describe('the same words (splitKey, the training split\'s own test of a leak)', () => {
  // The model reads NFKC-folded lower-case text: "How much?" and "how much" (or full-width
  // ＨＯＷ ＭＵＣＨ？) are the same turn to it, and training's validation split groups them.
  const variants = ['How much is it?', 'how much is it', '  HOW MUCH IS IT!! ', 'ＨＯＷ　ＭＵＣＨ　ＩＳ　ＩＴ？'];

  it('share one key', () => {
    for (const v of variants) expect(rowKey(v)).toBe(rowKey(variants[0]!));
    expect(rowKey('how much is it')).not.toBe(rowKey('how much was it'));
    expect(sameWords(' ＨＯＷ much, 多少钱？')).toBe(splitKey(' ＨＯＷ much, 多少钱？'));
  });

  it('a trained-rows.json written before keys were by words (sha256 of the trimmed text) still matches its exact turns', () => {
    const legacy = new Set([createHash('sha256').update('How much is it?').digest('hex').slice(0, 16)]);
    expect(isTrainedKey(legacy, ' How much is it? ')).toBe(true);
    expect(isTrainedKey(new Set([rowKey('How much is it?')]), 'how much is it')).toBe(true);
    expect(isTrainedKey(legacy, 'what else')).toBe(false);
  });
});
