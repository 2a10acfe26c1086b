// Shared checks for the verbal and posture ensembles (tests only): members trained with their own
// seeds and merged into one network must give the mean of the members' logits.
import { memberSeed } from './random';

/**
 * `memberLogits` are each member's logits on some inputs, `mergedLogits` the merged network's on
 * the same inputs; `single` is mergeMembers of the first member alone, which must be that member.
 */
export function expectMergedIsMembersMean<W>(memberLogits: readonly number[][], mergedLogits: readonly number[], single: W, first: W): void {
  const mean = memberLogits[0]!.map((_, i) => memberLogits.reduce((a, l) => a + l[i]!, 0) / memberLogits.length);
  mergedLogits.forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 4));
  expect(single).toBe(first);
  expect(memberSeed(7, 0)).toBe(7);
  expect(new Set([0, 1, 2].map((k) => memberSeed(7, k))).size).toBe(3);
}
