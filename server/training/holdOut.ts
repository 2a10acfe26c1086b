// A training job's hold-out (POST /api/models/verbal/train `holdOut`): which labelled turns are
// kept out of training, so the model can be compared with the running one on turns it never saw
// (GET /api/quality/compare), and the keys by which a model's folder records the turns it was
// trained on (trained-rows.json). The split hashes the turn's trimmed text (the same text falls on
// the same side for a seed, whichever session or export it comes in); the keys hash its words as
// training's validation split tells them apart (sameWords = splitKey: NFKC, lower case, letters
// and digits only; the model reads NFKC lower-case text, so "How much?" and "how much" are one
// turn to it), so a turn worded as a trained one is not measured as unseen. Pure.
import { createHash } from 'node:crypto';

const TWO_32 = 2 ** 32;

/**
 * A turn's words as training's validation split compares them (signals/verbal/train.ts splitKey,
 * kept equal by holdOut.test.ts): NFKC, lower case, letters and digits only.
 */
export function sameWords(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Whether a turn of this text is held out at `percent` (0–100) for `seed`: the first 32 bits of
 * sha256(`${seed}\n${text.trim()}`) under percent % of 2^32. By the trimmed text, as jobs have
 * always split (a seed keeps its split); a held-out turn worded as a trained one is left out of a
 * comparison all the same (isTrainedKey matches by words).
 */
export function isHeldOut(text: string, percent: number, seed: number): boolean {
  if (percent <= 0) return false;
  const h = createHash('sha256').update(`${seed}\n${text.trim()}`).digest();
  return h.readUInt32BE(0) < (percent / 100) * TWO_32;
}

/** The rows trained on and those held out, each in the order given. */
export function splitHoldOut<T extends { text: string }>(rows: readonly T[], percent: number, seed: number): { trained: T[]; heldOut: T[] } {
  return splitHoldOutBy(rows, percent, seed, (r) => r.text);
}

/**
 * The rows trained on and those held out, each in the order given, a row held out as isHeldOut
 * holds out its `key` (rows of one key fall on one side: a posture job's frames of one moment).
 */
export function splitHoldOutBy<T>(rows: readonly T[], percent: number, seed: number, key: (row: T) => string): { trained: T[]; heldOut: T[] } {
  const trained: T[] = [];
  const heldOut: T[] = [];
  for (const r of rows) (isHeldOut(key(r), percent, seed) ? heldOut : trained).push(r);
  return { trained, heldOut };
}

/** A labelled turn's key in trained-rows.json: the first 16 hex digits of sha256(sameWords(text)). */
export const rowKey = (text: string): string => createHash('sha256').update(sameWords(text)).digest('hex').slice(0, 16);

/** The key a trained-rows.json written before keys were by words holds: sha256(text.trim()). */
const trimmedKey = (text: string): string => createHash('sha256').update(text.trim()).digest('hex').slice(0, 16);

/**
 * Whether a turn of this text is among `keys` (a trained-rows.json's, or an --extra file's):
 * by its words (rowKey), or, for a file written before, its trimmed text exactly.
 */
export const isTrainedKey = (keys: ReadonlySet<string>, text: string): boolean => keys.has(rowKey(text)) || keys.has(trimmedKey(text));

/** The file of a job-trained model's folder listing its trained turns' keys. */
export const TRAINED_ROWS_FILE = 'trained-rows.json';
/** The most trained-rows.json may be (a key and its JSON punctuation are 19 bytes: ~55k turns). */
export const TRAINED_ROWS_MAX_BYTES = 1024 * 1024;

/** trained-rows.json's text: the sorted keys of the turns trained on (duplicates once), one per line for a readable diff. */
export function trainedRowsJson(texts: readonly string[]): string {
  const keys = [...new Set(texts.map(rowKey))].sort();
  return keys.length === 0 ? '[]\n' : `[\n${keys.map((k) => JSON.stringify(k)).join(',\n')}\n]\n`;
}

/** The keys of a trained-rows.json's text; throws when it is not a list of 16-hex keys. */
export function parseTrainedRows(text: string): Set<string> {
  const raw: unknown = JSON.parse(text);
  if (!Array.isArray(raw) || !raw.every((k) => typeof k === 'string' && /^[0-9a-f]{16}$/.test(k))) throw new Error(`${TRAINED_ROWS_FILE} is not a list of 16-hex-digit keys`);
  return new Set(raw as string[]);
}
