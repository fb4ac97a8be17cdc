import { credentialsExpiry, parseStoredCredentials, type PlatformCredentials } from './credentials';

describe('platform credentials', () => {
  const kinds: PlatformCredentials[] = [
    { kind: 'oauth', accessToken: 'ya29.a', refreshToken: '1//r', expiresAt: '2026-03-02T13:00:00.000Z', scopes: ['s'] },
    {
      kind: 'cookies',
      cookies: [
        { name: 'sessionid', value: 'abc', domain: '.instagram.com', expiresAt: '2027-01-01T00:00:00.000Z', secure: true, httpOnly: true },
        { name: 'csrftoken', value: 'def', expiresAt: '2026-12-01T00:00:00.000Z' },
      ],
      userAgent: 'Mozilla/5.0',
    },
    { kind: 'archive', uploadId: 'up-1', fileName: 'twitter-2026.zip', bytes: 1024, sha256: 'ab'.repeat(32), uploadedAt: '2026-03-02T12:00:00.000Z' },
  ];

  it('reads back every kind the vault stores, as it was stored', () => {
    for (const credentials of kinds) expect(parseStoredCredentials(JSON.stringify(credentials))).toEqual(credentials);
  });

  it('refuses stored values that are not credentials of a known kind, without echoing them', () => {
    for (const bad of ['null', '"ya29.a"', '{"kind":"password","value":"hunter2"}', '{"kind":"oauth"}', '{"kind":"cookies","cookies":[{"name":"sessionid"}]}']) {
      expect(() => parseStoredCredentials(bad)).toThrow(/stored credentials/);
      try {
        parseStoredCredentials(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
  });

  it('knows when each kind stops working: the token expiry, the first cookie to expire, never for an archive', () => {
    expect(credentialsExpiry(kinds[0])).toEqual(new Date('2026-03-02T13:00:00.000Z'));
    expect(credentialsExpiry(kinds[1])).toEqual(new Date('2026-12-01T00:00:00.000Z'));
    expect(credentialsExpiry(kinds[2])).toBeUndefined();
    expect(credentialsExpiry({ kind: 'oauth', accessToken: 'pasted' })).toBeUndefined();
  });
});
