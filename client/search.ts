// The Find dialog's pure parts (client/view/find.ts shows them): the query string GET /api/search
// is asked, results grouped by session, the words cut into plain and highlighted pieces, and the
// status line. Pure apart from the UI language (i18n's t).
import type { Role, VerbalLabel } from '../protocol/protocol';
import { SEARCH_QUERY_MAX_CHARS, type SearchLang, type SearchResult } from '../protocol/search';
import { t } from './i18n';

/** What the dialog asks: its fields as chosen ('' is any). */
export interface FindQuery {
  q: string;
  role: Role | '';
  lang: SearchLang | '';
  label: VerbalLabel | '';
  coachLabel: VerbalLabel | 'none' | '';
  uncertain: boolean;
  /** One session (the open one, "This session"), or null for every session. */
  session: string | null;
}

export const EMPTY_FIND: FindQuery = { q: '', role: '', lang: '', label: '', coachLabel: '', uncertain: false, session: null };

/** Whether there is anything to ask: words, or a filter (the server refuses neither words nor filter). */
export function isAskable(f: FindQuery): boolean {
  return f.q.trim() !== '' || f.role !== '' || f.lang !== '' || f.label !== '' || f.coachLabel !== '' || f.uncertain || f.session !== null;
}

/** How many characters the server counts in the words: code points (an emoji is one, not two UTF-16 units). */
export function wordsLength(words: string): number {
  return Array.from(words).length;
}

/**
 * The words cut at the server's limit, counted as it counts them: never inside a surrogate pair,
 * whose lone half would go as U+FFFD (a word no turn holds). The dialog's field and the query both cut here.
 */
export function cutWords(words: string): string {
  return wordsLength(words) > SEARCH_QUERY_MAX_CHARS ? Array.from(words).slice(0, SEARCH_QUERY_MAX_CHARS).join('') : words;
}

/** The query string of GET /api/search (without `?`); `after`: the previous page's `next`. */
export function searchParams(f: FindQuery, limit: number, after: string | null = null): string {
  const p = new URLSearchParams();
  const q = cutWords(f.q.trim());
  if (q) p.set('q', q);
  if (f.session !== null) p.set('session', f.session);
  if (f.role) p.set('role', f.role);
  if (f.lang) p.set('lang', f.lang);
  if (f.label) p.set('label', f.label);
  if (f.coachLabel) p.set('coachLabel', f.coachLabel);
  if (f.uncertain) p.set('uncertain', '1');
  p.set('limit', String(limit));
  if (after !== null) p.set('after', after);
  return p.toString();
}

/** A session's results in a row, as the dialog groups them. */
export interface FoundGroup {
  sessionId: string;
  title: string;
  results: SearchResult[];
}

/**
 * Results in groups of one session each, in the order given (the server's: newest session
 * first, then turn order); a later page's first results join the last group when it goes on.
 */
export function groupBySession(results: readonly SearchResult[]): FoundGroup[] {
  const groups: FoundGroup[] = [];
  for (const r of results) {
    const last = groups[groups.length - 1];
    if (last && last.sessionId === r.sessionId) last.results.push(r);
    else groups.push({ sessionId: r.sessionId, title: r.sessionTitle, results: [r] });
  }
  return groups;
}

/** The text in pieces, those in a match marked: what the dialog shows with <mark>. Matches out of range or overlapping are clipped. */
export function highlightPieces(text: string, matches: readonly (readonly [number, number])[]): { text: string; mark: boolean }[] {
  const out: { text: string; mark: boolean }[] = [];
  let at = 0;
  for (const [s, e] of matches) {
    const start = Math.max(at, Math.min(s, text.length));
    const end = Math.max(start, Math.min(e, text.length));
    if (start > at) out.push({ text: text.slice(at, start), mark: false });
    if (end > start) out.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: false });
  return out;
}

/** "12 turns in 3 sessions" (and that more follow), or "No turns match". */
export function foundLine(results: readonly SearchResult[], more: boolean): string {
  if (results.length === 0) return t('findNone');
  const sessions = new Set(results.map((r) => r.sessionId)).size;
  const key = results.length === 1 ? 'findCountOne' : sessions === 1 ? 'findCountOneSession' : 'findCount';
  return `${t(key, { n: results.length, s: sessions })}${t(more ? 'findMoreNote' : 'findEnd')}`;
}
