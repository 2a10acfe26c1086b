// `GET /api/search`: every stored session's turns by their words and filters, a page at a time
// (docs/protocol.md "Search"; the walk: server/search/search.ts).
import { Router } from 'express';
import { SEARCH_LIMIT_DEFAULT, SearchQuerySchema } from '../../../protocol/search';
import type { SessionService } from '../../pipeline/sessionService';
import { parseOr400 } from '../validate';

export function searchRouter(service: SessionService): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parseOr400(SearchQuerySchema, req.query, 'query');
    // The asker gone (a newer query in the Find dialog aborts the older one): the walk stops.
    const hungUp = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) hungUp.abort();
    });
    const answer = await service.search({ ...q, limit: q.limit ?? SEARCH_LIMIT_DEFAULT }, hungUp.signal);
    if (!hungUp.signal.aborted) res.json(answer);
  });
  return r;
}
