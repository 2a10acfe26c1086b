// `GET /api/search`: every stored session's turns by their words and filters, a page at a time
// (docs/protocol.md "Search"; the walk: server/search/search.ts).
import { Router, type Response } from 'express';
import { SearchBusyError } from '../../errors/errors';
import { SEARCH_LIMIT_DEFAULT, SearchQuerySchema, type SearchQuery } from '../../../protocol/search';
import type { SessionService } from '../../pipeline/sessionService';
import { parseOr400 } from '../validate';

/**
 * Searches under way at once at most; more are 503 busy. Each gives the event loop back between
 * its steps (server/search/search.ts), but all those waiting take their next step in the same
 * turn of the loop: N at once hold a live meeting's turn for N steps.
 */
export const SEARCHES_MAX = 4;

export function searchRouter(service: SessionService): Router {
  const r = Router();
  let running = 0;
  r.get('/', async (req, res) => {
    const q = parseOr400(SearchQuerySchema, req.query, 'query');
    if (running >= SEARCHES_MAX) throw new SearchBusyError(SEARCHES_MAX);
    running++;
    try {
      await answer(q, res);
    } finally {
      running--;
    }
  });
  async function answer(q: SearchQuery, res: Response): Promise<void> {
    // The asker gone (a newer query in the Find dialog aborts the older one): the walk stops.
    const hungUp = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) hungUp.abort();
    });
    const found = await service.search({ ...q, limit: q.limit ?? SEARCH_LIMIT_DEFAULT }, hungUp.signal);
    if (!hungUp.signal.aborted) res.json(found);
  }
  return r;
}
