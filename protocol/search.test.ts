// GET /api/search's query schema: the limits as docs/protocol.md states them.
import { SEARCH_QUERY_MAX_CHARS, SearchQuerySchema } from './search';

describe('SearchQuerySchema q', () => {
  it('counts characters (code points), not UTF-16 units: 200 emoji or CJK extension B characters are 200 characters', () => {
    const emoji = '😀'.repeat(SEARCH_QUERY_MAX_CHARS);
    expect(emoji.length).toBe(400);
    expect(SearchQuerySchema.safeParse({ q: emoji }).success).toBe(true);
    expect(SearchQuerySchema.safeParse({ q: '𠀀'.repeat(SEARCH_QUERY_MAX_CHARS) }).success).toBe(true);
    const over = SearchQuerySchema.safeParse({ q: '😀'.repeat(SEARCH_QUERY_MAX_CHARS + 1) });
    expect(over.success).toBe(false);
    expect(over.error!.issues[0]!.message).toMatch(/at most 200 characters/);
  });
  it('trims, then counts: 200 letters between spaces pass, 201 do not', () => {
    expect(SearchQuerySchema.safeParse({ q: ` ${'a'.repeat(200)} ` }).success).toBe(true);
    expect(SearchQuerySchema.safeParse({ q: 'a'.repeat(201) }).success).toBe(false);
  });
});
