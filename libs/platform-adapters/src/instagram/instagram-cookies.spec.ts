import { CookieInputError, parseInstagramCookies } from './instagram-cookies';

describe('parseInstagramCookies', () => {
  const names = (input: unknown): Record<string, string> => Object.fromEntries(parseInstagramCookies(input).cookies.map((c) => [c.name, c.value]));

  it('reads a Cookie header, with or without its name', () => {
    expect(names('sessionid=123%3Aabc%3A27; csrftoken=tok; ds_user_id=123')).toEqual({ sessionid: '123%3Aabc%3A27', csrftoken: 'tok', ds_user_id: '123' });
    expect(names('Cookie: sessionid=s1')).toEqual({ sessionid: 's1' });
  });

  it('reads Netscape cookies.txt, HttpOnly lines included, and drops other sites', () => {
    const text = [
      '# Netscape HTTP Cookie File',
      '.instagram.com\tTRUE\t/\tTRUE\t1893456000\tcsrftoken\ttok',
      '#HttpOnly_.instagram.com\tTRUE\t/\tTRUE\t1893456000\tsessionid\ts1',
      '.example.com\tTRUE\t/\tFALSE\t0\tsessionid\tforeign',
    ].join('\n');
    const session = parseInstagramCookies(text);
    expect(names(text)).toEqual({ csrftoken: 'tok', sessionid: 's1' });
    expect(session.cookies.find((c) => c.name === 'sessionid')).toMatchObject({ httpOnly: true, secure: true, expiresAt: '2030-01-01T00:00:00.000Z' });
  });

  it("reads a cookie extension's JSON export, as an array or its text", () => {
    const exported = [
      { domain: '.instagram.com', name: 'sessionid', value: 's1', expirationDate: 1893456000.5, httpOnly: true, secure: true, path: '/' },
      { domain: '.instagram.com', name: 'ds_user_id', value: '123' },
    ];
    expect(names(exported)).toEqual({ sessionid: 's1', ds_user_id: '123' });
    expect(names(JSON.stringify(exported))).toEqual({ sessionid: 's1', ds_user_id: '123' });
  });

  it('takes a bare sessionid, as the accessToken field carries it', () => {
    expect(parseInstagramCookies('123%3Aabc%3A27').cookies).toEqual([{ name: 'sessionid', value: '123%3Aabc%3A27' }]);
  });

  it('refuses a session without sessionid, and input that is no cookie export, without echoing values', () => {
    expect(() => parseInstagramCookies('csrftoken=secret-value')).toThrow(CookieInputError);
    expect(() => parseInstagramCookies('csrftoken=secret-value')).not.toThrow(/secret-value/);
    expect(() => parseInstagramCookies('[{"name":')).toThrow(/JSON/);
    expect(() => parseInstagramCookies({ sessionid: 'x' })).toThrow(CookieInputError);
    expect(() => parseInstagramCookies('')).toThrow(CookieInputError);
  });
});
