// GET /api/search's walk over the store: sessions newest first (as the session list orders them),
// each session's turns in turn order, a window of turns at a time. Each window is one synchronous
// read of at most SEARCH_WINDOW turns; between windows the walk gives the event loop back, so a
// query matching nothing in a big store (it reads every turn) never holds the live path for long.
import type { SearchAnswer, SearchLang, SearchResult } from '../../protocol/search';
import type { Role, VerbalLabel } from '../../protocol/protocol';
import type { SearchFilter, SearchPlace, SqliteStore } from '../store/sqliteStore';
import { matchOffsets, searchForm } from './searchText';

/** Turns one synchronous read scans at most (scripts/measure-search.cjs: about 3 ms, at worst ~8 ms, on a loaded 2-core machine). */
export const SEARCH_WINDOW = 1_000;

export interface SearchParams {
  q?: string | undefined;
  session?: string | undefined;
  role?: Role | undefined;
  lang?: SearchLang | undefined;
  label?: VerbalLabel | undefined;
  coachLabel?: VerbalLabel | 'none' | undefined;
  uncertain?: string | undefined;
  limit: number;
  after?: (SearchPlace & { seq: number }) | undefined;
}

export interface SearchDeps {
  store: Pick<SqliteStore, 'searchSession' | 'searchWindow'>;
  /** The score a cue needs: `uncertain` keeps signals under it. */
  cueMinSignalScore: number;
  /** Gives the event loop back between windows (setImmediate); tests may count the calls. */
  pause: () => Promise<void>;
  /** Aborted when the asker has gone: the walk stops. */
  signal?: AbortSignal;
  window?: number;
}

export function cursorOf(place: SearchPlace, seq: number): string {
  return `${place.createdAt}.${place.rowid}.${seq}`;
}

export async function searchTurns(p: SearchParams, deps: SearchDeps): Promise<SearchAnswer> {
  const text = p.q === undefined ? null : searchForm(p.q);
  const filter: SearchFilter = {
    text: text === '' ? null : text,
    role: p.role ?? null,
    lang: p.lang ?? null,
    label: p.label ?? null,
    coachLabel: p.coachLabel ?? null,
    scoreBelow: p.uncertain === '1' ? deps.cueMinSignalScore : null,
  };
  const window = deps.window ?? SEARCH_WINDOW;
  const results: SearchResult[] = [];
  /** Each result's session's place in search order, for the cursor after it. */
  const places: SearchPlace[] = [];
  let session = deps.store.searchSession(p.after ?? null, true, p.session ?? null);
  // The cursor's own session goes on after its turn; any other starts at its first.
  let afterSeq = session && p.after && session.createdAt === p.after.createdAt && session.rowid === p.after.rowid ? p.after.seq : 0;
  let first = true;
  while (session) {
    if (!first) await deps.pause();
    first = false;
    if (deps.signal?.aborted) break;
    // One more than asked: it only tells whether a next page holds anything.
    const want = p.limit + 1 - results.length;
    const { rows, lastSeq } = deps.store.searchWindow(session.id, afterSeq, window, filter, want);
    for (const r of rows) {
      results.push({
        sessionId: session.id, sessionTitle: session.title, utteranceId: r.id, seq: r.seq, speaker: r.speaker, role: r.role,
        startMs: r.startMs, endMs: r.endMs, text: r.text, matches: filter.text === null ? [] : matchOffsets(r.text, filter.text),
        signal: r.signalLabel === null || r.signalScore === null ? null : { label: r.signalLabel, score: r.signalScore },
        coachLabel: r.coachLabel,
      });
      places.push(session);
    }
    if (results.length > p.limit) {
      results.length = p.limit;
      return { results, next: cursorOf(places[p.limit - 1]!, results[p.limit - 1]!.seq) };
    }
    if (lastSeq !== null) {
      afterSeq = lastSeq;
      continue;
    }
    session = deps.store.searchSession(session, false, p.session ?? null);
    afterSeq = 0;
  }
  return { results, next: null };
}
