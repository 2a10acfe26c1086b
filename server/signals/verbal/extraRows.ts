// The rows `train verbal --extra FILE --extra-weight N` trains on: the corpus's, then a team's
// own labelled rows, each N times. A copy is how a row counts N times everywhere at once (the
// loss, the class weights, the batches), and splitRows keeps the copies on one side because it
// groups rows by their words: a copy in validation beside one in training would score the model
// on a row it learnt.

/**
 * The corpus rows, then each extra file's rows in file order, each row `weight` times in a row.
 * With no extra rows it is `corpus` itself, so training without --extra sees exactly the rows,
 * in the order, it always did (the committed model is reproduced from them).
 */
export function withExtraRows<T>(corpus: readonly T[], extras: readonly (readonly T[])[], weight: number): readonly T[] {
  if (extras.every((rows) => rows.length === 0)) return corpus;
  if (!Number.isInteger(weight) || weight < 1) throw new Error(`extra rows' weight must be a whole number from 1, got ${weight}`);
  const out = [...corpus];
  for (const rows of extras) for (const r of rows) for (let k = 0; k < weight; k++) out.push(r);
  return out;
}
