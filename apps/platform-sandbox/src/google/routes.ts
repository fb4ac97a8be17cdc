import type { Route } from '../server/call';
import { authorizeEndpoint, revokeEndpoint, tokenEndpoint } from './oauth';
import { certsEndpoint, discoveryEndpoint, tokeninfoEndpoint, userinfoEndpoint } from './openid';

/** Google's OAuth 2.0 and OpenID Connect endpoints, under their real paths (legacy aliases included). */
export const OAUTH_ROUTES: Route[] = [
  { methods: ['GET'], path: '/o/oauth2/v2/auth', api: 'oauth.authorize', surface: 'html', handler: authorizeEndpoint },
  { methods: ['GET'], path: '/o/oauth2/auth', api: 'oauth.authorize', surface: 'html', handler: authorizeEndpoint },
  { methods: ['POST'], path: '/token', api: 'oauth.token', surface: 'oauth', handler: tokenEndpoint },
  { methods: ['POST'], path: '/o/oauth2/token', api: 'oauth.token', surface: 'oauth', handler: tokenEndpoint },
  { methods: ['POST'], path: '/oauth2/v4/token', api: 'oauth.token', surface: 'oauth', handler: tokenEndpoint },
  { methods: ['POST', 'GET'], path: '/revoke', api: 'oauth.revoke', surface: 'oauth', handler: revokeEndpoint },
  { methods: ['POST', 'GET'], path: '/o/oauth2/revoke', api: 'oauth.revoke', surface: 'oauth', handler: revokeEndpoint },
  { methods: ['GET', 'POST'], path: '/v1/userinfo', api: 'oauth.userinfo', surface: 'oauth', handler: userinfoEndpoint },
  { methods: ['GET', 'POST'], path: '/oauth2/v3/userinfo', api: 'oauth.userinfo', surface: 'oauth', handler: userinfoEndpoint },
  { methods: ['GET', 'POST'], path: '/oauth2/v2/userinfo', api: 'oauth.userinfo', surface: 'oauth', handler: userinfoEndpoint },
  { methods: ['GET', 'POST'], path: '/oauth2/v3/tokeninfo', api: 'oauth.tokeninfo', surface: 'oauth', handler: tokeninfoEndpoint },
  // oauth2.googleapis.com/tokeninfo: where Google's token endpoint lives, and where clients find it next to GOOGLE_TOKEN_URL.
  { methods: ['GET', 'POST'], path: '/tokeninfo', api: 'oauth.tokeninfo', surface: 'oauth', handler: tokeninfoEndpoint },
  { methods: ['GET'], path: '/oauth2/v3/certs', api: 'oauth.certs', surface: 'oauth', handler: certsEndpoint },
  { methods: ['GET'], path: '/.well-known/openid-configuration', api: 'oauth.discovery', surface: 'oauth', handler: discoveryEndpoint },
];
