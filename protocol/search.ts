// GET /api/search: every stored meeting's turns, by their words and filters (docs/protocol.md
// "Search"). The query schema is the server's check of the query string; the answer schema the
// client's check of what comes back.
import { z } from 'zod';
import { ROLES, RoleSchema, SessionIdSchema, VERBAL_LABELS } from './protocol';

export const SEARCH_QUERY_MAX_CHARS = 200;
export const SEARCH_LIMIT_MAX = 200;
export const SEARCH_LIMIT_DEFAULT = 50;
export const SEARCH_LANGS = ['en', 'zh', 'mixed'] as const;
export type SearchLang = (typeof SEARCH_LANGS)[number];

const once = (what: string) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? `is required (${what})` : `must be given once (${what})`) });
const oneOf = (values: readonly string[], what: string) =>
  z.string(once(what)).refine((v) => values.includes(v), { error: `must be one of ${values.join(', ')} (${what})` });

/**
 * A place to go on from: the session's creation time, its rowid and the last turn's number, as
 * `next` gave them ("1733000000000.12.40"). Other keys are ignored, as on the other query routes.
 */
export const SEARCH_CURSOR = /^(\d{1,15})\.(\d{1,15})\.(\d{1,10})$/;

export const SearchQuerySchema = z
  .object({
    q: z
      .string(once('the words to find'))
      .trim()
      .min(1, `must be 1-${SEARCH_QUERY_MAX_CHARS} characters (the words to find), got none`)
      .max(SEARCH_QUERY_MAX_CHARS, `must be at most ${SEARCH_QUERY_MAX_CHARS} characters (the words to find)`)
      .optional(),
    session: z.string(once('one session to search')).pipe(SessionIdSchema).optional(),
    role: oneOf(ROLES, "the speaker's role").pipe(RoleSchema).optional(),
    lang: oneOf(SEARCH_LANGS, "the turn's language").transform((v) => v as SearchLang).optional(),
    label: oneOf(VERBAL_LABELS, "the stored signal's label; neutral: a customer turn with none")
      .transform((v) => v as (typeof VERBAL_LABELS)[number])
      .optional(),
    coachLabel: oneOf([...VERBAL_LABELS, 'none'], "a coach's label; none: not labelled yet")
      .transform((v) => v as (typeof VERBAL_LABELS)[number] | 'none')
      .optional(),
    uncertain: z.string(once('1: signals scoring under the 0.5 a cue needs')).refine((v) => v === '1', { error: 'must be 1 (signals scoring under what a cue needs), or left out' }).optional(),
    limit: z
      .string(once(`turns per page, 1-${SEARCH_LIMIT_MAX}`))
      .regex(/^[1-9][0-9]{0,2}$/, `must be a whole number of turns from 1 to ${SEARCH_LIMIT_MAX}, in digits`)
      .transform(Number)
      .pipe(z.number().max(SEARCH_LIMIT_MAX, `must be at most ${SEARCH_LIMIT_MAX}`))
      .optional(),
    after: z
      .string(once("the previous page's next"))
      .regex(SEARCH_CURSOR, "must be the previous page's `next`, as given")
      .transform((v) => {
        const [, c, r, s] = SEARCH_CURSOR.exec(v)!;
        return { createdAt: Number(c), rowid: Number(r), seq: Number(s) };
      })
      .optional(),
  })
  .refine((x) => x.q !== undefined || x.role !== undefined || x.lang !== undefined || x.label !== undefined || x.coachLabel !== undefined || x.uncertain !== undefined || x.session !== undefined, {
    path: ['q'],
    error: 'is required (the words to find) unless a filter (session, role, lang, label, coachLabel, uncertain) is given',
  });
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

export const SearchResultSchema = z.object({
  sessionId: z.string(),
  sessionTitle: z.string(),
  utteranceId: z.number().int(),
  seq: z.number().int(),
  speaker: z.string(),
  role: RoleSchema.nullable(),
  startMs: z.number(),
  endMs: z.number(),
  text: z.string(),
  /** [start, end) UTF-16 offsets of the words in `text`, in order. */
  matches: z.array(z.tuple([z.number().int(), z.number().int()])),
  signal: z.object({ label: z.enum(VERBAL_LABELS), score: z.number() }).nullable(),
  coachLabel: z.enum(VERBAL_LABELS).nullable(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchAnswerSchema = z.object({
  results: z.array(SearchResultSchema),
  /** The `after` of the next page; null: no more. */
  next: z.string().nullable(),
});
export type SearchAnswer = z.infer<typeof SearchAnswerSchema>;
