// Which turns mix Chinese and English in one sentence (code-switching), for the `mixed` subset of
// `eval verbal` and GET /api/quality. The rule (docs/cli.md "eval verbal"): the text has at
// least one CJK character (as rowLang counts them) and at least one Latin word, a run of two or
// more ASCII letters with no letter or digit either side, once web addresses and e-mail
// addresses are taken out. So "iPhone 多少钱" and "OK的" are mixed (a brand or a short English
// word said in Chinese is still English in the sentence the model reads); "X5 多少钱", "5G 套餐"
// and "RTX4090 有货吗" are not (one letter, or letters run into digits: a model number, not a
// word); nor is "看 www.jd.com" (an address is read out, not spoken English).

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
/** http(s)://… and www.… up to the next space or CJK character, and name@host. */
const ADDRESS = /(?:https?:\/\/|www\.)[^\s\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+/gi;
const LATIN_WORD = /(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])/;

/** The subset's name in reports (and the client's key for its localised name). */
export const MIXED_SUBSET = 'mixed';

/** Whether the text mixes Chinese characters with a Latin-letter word (the rule above). */
export function isMixedText(text: string): boolean {
  if (!CJK.test(text)) return false;
  return LATIN_WORD.test(text.replace(ADDRESS, ' '));
}
