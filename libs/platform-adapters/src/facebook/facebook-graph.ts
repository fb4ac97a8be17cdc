import { createHmac } from 'node:crypto';
import type { PlatformCallContext } from '../adapter/call-context';
import { CredentialsRejectedError, MalformedResponseError } from '../errors';
import type { PlatformHttpClient, QueryValue } from '../http/platform-http-client';
import { parseJsonBody } from '../http/platform-response';
import { parseFacebookUsage, type FacebookUsage } from '../http/rate-limit-headers';
import { FACEBOOK_DEFAULT_BUCKET } from './facebook.descriptor';

/** A Graph answer and the usage Meta reported with it. */
export interface GraphAnswer {
  body: Record<string, unknown>;
  usage?: FacebookUsage;
}

/** Query parameters that carry credentials: never kept in a cursor, always set afresh. */
const CREDENTIAL_PARAMS = ['access_token', 'appsecret_proof'];

/** appsecret_proof: hex HMAC-SHA256 of the access token, keyed by the app secret. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

/** A `paging.next` link without the credentials Meta writes into it, fit to keep in a checkpoint. */
export function withoutCredentials(link: string): string {
  const url = new URL(link);
  for (const name of CREDENTIAL_PARAMS) url.searchParams.delete(name);
  return url.toString();
}

/**
 * Graph calls on behalf of a connection: the token as a Bearer header, appsecret_proof when the app
 * secret is configured, one ledger unit per attempt, and the usage headers handed back for pacing.
 */
export class FacebookGraph {
  constructor(
    private readonly client: PlatformHttpClient,
    private readonly appSecret: string | undefined,
  ) {}

  async accessToken(ctx: PlatformCallContext): Promise<string> {
    const credentials = await this.client.currentCredentials(ctx);
    if (credentials.kind !== 'oauth') throw new CredentialsRejectedError('facebook', 'wrong_kind', 'Facebook needs an access token');
    return credentials.accessToken;
  }

  /** GET a path under the Graph URL, or a `paging.next` link it returned. */
  async get(ctx: PlatformCallContext, operation: string, url: string, query: Record<string, QueryValue> = {}): Promise<GraphAnswer> {
    const token = await this.accessToken(ctx);
    const proof = this.appSecret ? { appsecret_proof: appSecretProof(token, this.appSecret) } : {};
    const response = await this.client.call(ctx, {
      operation,
      url: /^https?:/i.test(url) ? withoutCredentials(url) : url,
      query: { ...query, ...proof },
      cost: { units: 1, bucket: FACEBOOK_DEFAULT_BUCKET },
    });
    const body = parseJsonBody(response, 'facebook', operation);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new MalformedResponseError('facebook', operation, 'the answer is not a JSON object');
    }
    const usage = parseFacebookUsage(response.headers);
    if (usage) await ctx.quota.reportUsage?.({ platform: 'facebook', percent: usage.maxPercent });
    return { body: body as Record<string, unknown>, usage };
  }
}
