import { newToken, requestToken, sameToken, tokenProblem, TOKEN_COOKIE } from './auth';

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

  it('reads it from Authorization: Bearer, else from its cookie', () => {
    expect(requestToken({ authorization: 'Bearer abc123' })).toBe('abc123');
    expect(requestToken({ authorization: 'bearer   abc123 ' })).toBe('abc123');
    expect(requestToken({ authorization: 'Basic abc123' })).toBeUndefined();
    expect(requestToken({ cookie: `other=1; ${TOKEN_COOKIE}=tok-en; x=2` })).toBe('tok-en');
    expect(requestToken({ cookie: `x${TOKEN_COOKIE}=nope` })).toBeUndefined();
    expect(requestToken({})).toBeUndefined();
  });

  it('still reads the cookie when Authorization holds another scheme (a reverse proxy asking for Basic auth: the browser sends it on every request)', () => {
    expect(requestToken({ authorization: 'Basic dXNlcjpwYXNz', cookie: `${TOKEN_COOKIE}=tok-en` })).toBe('tok-en');
    // A Bearer header is the caller's choice of token: it is not mixed with a cookie.
    expect(requestToken({ authorization: 'Bearer abc123', cookie: `${TOKEN_COOKIE}=tok-en` })).toBe('abc123');
  });

  it('compares whole tokens only', () => {
    const t = 'abcdefghijklmnopqrstuvwx';
    expect(sameToken(t, t)).toBe(true);
    expect(sameToken(t.slice(0, -1), t)).toBe(false);
    expect(sameToken(t + 'y', t)).toBe(false);
    expect(sameToken(undefined, t)).toBe(false);
  });
});
