// The text form search compares (GET /api/search): each character (a starter with the combining
// marks after it) through NFKC, then lower case, so "ＰＲＩＣＥ", "Price" and "price" are one word
// and 全角/半角 forms alike. The store keeps this form of every turn (utterances.search_text) and
// the query is put through the same function, so a match in the stored form is a match of the
// query. Each character is normalised on its own (never across characters) so a match in the
// normalised form maps back to whole characters of the original text (`matchOffsets`).
import { isMixedText } from '../eval/mixedText';

/** A starter and the combining marks that follow it, or a surrogate pair: one unit normalised alone. */
const UNIT = /[\s\S](?:\p{M})*/gu;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function fold(unit: string): string {
  // ς (final sigma) as σ: lower-casing a character alone makes Σ σ, whatever its place in the
  // word, so a typed "όσος" would never meet a stored "ΌΣΟΣ" (Unicode case folding does the same).
  return unit.normalize('NFKC').toLowerCase().replaceAll('ς', 'σ');
}

/** The text as search compares it (see above). */
export function searchForm(text: string): string {
  let out = '';
  for (const m of text.matchAll(UNIT)) out += fold(m[0]);
  return out;
}

/**
 * The turn's language as `eval verbal` tells it (rowLang: any CJK character is Chinese, else
 * English), with `mixed` for the Chinese turns that also hold an English word (isMixedText, the
 * `mixed` subset). Stored per turn (utterances.search_lang): `lang=zh` finds zh and mixed.
 */
export function searchLang(text: string): 'en' | 'zh' | 'mixed' {
  if (!CJK.test(text)) return 'en';
  return isMixedText(text) ? 'mixed' : 'zh';
}

/**
 * Where `query` (already in searchForm) occurs in `text` (the original), as [start, end) UTF-16
 * offsets into the original: each occurrence in the normalised form, not overlapping, widened to
 * the whole original characters it covers (a match inside what "㎏" became covers "㎏").
 */
export function matchOffsets(text: string, query: string): [number, number][] {
  if (query === '') return [];
  // Per unit: where it starts in the original and where its normalised form starts.
  const origStarts: number[] = [];
  const normStarts: number[] = [];
  let norm = '';
  for (const m of text.matchAll(UNIT)) {
    origStarts.push(m.index);
    normStarts.push(norm.length);
    norm += fold(m[0]);
  }
  origStarts.push(text.length);
  normStarts.push(norm.length);
  /** The unit whose normalised form holds normalised offset `at` (the last unit starting at or before it). */
  const unitAt = (at: number): number => {
    let lo = 0;
    let hi = normStarts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (normStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const out: [number, number][] = [];
  let from = 0;
  for (;;) {
    const at = norm.indexOf(query, from);
    if (at < 0) break;
    const first = unitAt(at);
    const last = unitAt(at + query.length - 1);
    const start = origStarts[first]!;
    const end = origStarts[last + 1]!;
    const prev = out[out.length - 1];
    // Two occurrences in one widened character become one range.
    if (prev && start < prev[1]) prev[1] = Math.max(prev[1], end);
    else out.push([start, end]);
    from = at + query.length;
  }
  return out;
}
