import { carriesToken, newToken, requestTokens, sameToken, tokenCookie, tokenProblem, TOKEN_COOKIE } from './auth';

describe('access token', () => {
  it('makes random tokens that pass its own rules', () => {
    const a = newToken();
    expect(a).toHaveLength(32);
    expect(tokenProblem(a)).toBeNull();
    expect(newToken()).not.toBe(a);
  });

  it('names what is wrong with a token: length, characters', () => {
    expect(tokenProblem('short')).toBe('the token must be 16 to 256 characters long, got 5');
    expect(tokenProblem('x'.repeat(257))).toBe('the token must be 16 to 256 characters long, got 257');
    expect(tokenProblem('a token with spaces!')).toBe("the token may hold only letters, digits and '.', '_', '~', '-'");
    expect(tokenProblem('abcdefghij-KLMNOP_0.9~')).toBeNull();
  });

  it('reads it from Authorization: Bearer, else from every token cookie', () => {
    expect(requestTokens({ authorization: 'Bearer abc123' })).toEqual(['abc123']);
    expect(requestTokens({ authorization: 'bearer   abc123 ' })).toEqual(['abc123']);
    expect(requestTokens({ authorization: 'Basic abc123' })).toEqual([]);
    expect(requestTokens({ cookie: `other=1; ${TOKEN_COOKIE}_0a1b2c3d=tok-en; x=2` })).toEqual(['tok-en']);
    expect(requestTokens({ cookie: `${TOKEN_COOKIE}_aaaa=one; ${TOKEN_COOKIE}_bbbb=two` })).toEqual(['one', 'two']);
    expect(requestTokens({ cookie: `x${TOKEN_COOKIE}=nope; ${TOKEN_COOKIE}x=nope` })).toEqual([]);
    expect(requestTokens({})).toEqual([]);
  });

  it('names the cookie after the token, so two servers on one host (cookies ignore the port) keep theirs', () => {
    const a = 'first-token-0123456789';
    const b = 'second-token-0123456789';
    expect(tokenCookie(a)).toMatch(new RegExp(`^${TOKEN_COOKIE}_[0-9a-f]{8}$`));
    expect(tokenCookie(a)).not.toBe(tokenCookie(b));
    // Both cookies reach either server; each finds its own, and a stale one does not lock anyone out.
    const cookie = `${tokenCookie(b)}=${b}; ${tokenCookie(a)}=${a}; ${TOKEN_COOKIE}_stale=old-token-0123456789`;
    expect(carriesToken({ cookie }, a)).toBe(true);
    expect(carriesToken({ cookie }, b)).toBe(true);
    expect(carriesToken({ cookie: `${tokenCookie(b)}=${b}` }, a)).toBe(false);
  });

  it('still reads the cookies when Authorization holds another scheme (a reverse proxy asking for Basic auth: the browser sends it on every request)', () => {
    expect(requestTokens({ authorization: 'Basic dXNlcjpwYXNz', cookie: `${TOKEN_COOKIE}_x=tok-en` })).toEqual(['tok-en']);
    // A Bearer header is the caller's choice of token: it is not mixed with a cookie.
    expect(requestTokens({ authorization: 'Bearer abc123', cookie: `${TOKEN_COOKIE}_x=tok-en` })).toEqual(['abc123']);
  });

  it('compares whole tokens only', () => {
    const t = 'abcdefghijklmnopqrstuvwx';
    expect(sameToken(t, t)).toBe(true);
    expect(sameToken(t.slice(0, -1), t)).toBe(false);
    expect(sameToken(t + 'y', t)).toBe(false);
    expect(sameToken(undefined, t)).toBe(false);
  });
});
