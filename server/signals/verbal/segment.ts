// Chinese word segmentation for the verbal features: jieba (@node-rs/jieba, pinned to an exact
// version in package.json, with the dictionary it ships) in its dictionary-only mode (no HMM
// guesses for unknown words), so a word list depends only on the text and that dictionary.
// The dictionary file is read at import; the segmenter is built from it on first use (~0.2 s).
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

let segmenter: Jieba | undefined;

const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;

/**
 * The jieba words of each run of CJK characters in `text`, one array per run, in order.
 * Latin words, digits and punctuation end a run and are not segmented (the character
 * features cover them).
 */
export function cjkWordRuns(text: string): string[][] {
  const runs = text.match(CJK_RUN);
  if (!runs) return [];
  segmenter ??= Jieba.withDict(dict);
  const jieba = segmenter;
  return runs.map((run) => jieba.cut(run, false));
}
