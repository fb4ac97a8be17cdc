import { Inject, Injectable } from '@nestjs/common';
import { HTTP_POLICY_OVERRIDES } from '../platform-adapters.tokens';
import { resolveHttpPolicy, type HttpPolicy } from './http-policy';
import { PlatformHttpClient, type PlatformHttpClientConfig } from './platform-http-client';

export type PlatformHttpClientSpec = Omit<PlatformHttpClientConfig, 'policy'> & { policy?: Partial<HttpPolicy> };

/**
 * Makes the per-platform clients with the module's HTTP policy. Adapters create theirs once, in their
 * constructor: single-flight refresh and rate-limit pauses live in the client, so one client per platform
 * per process is what makes them hold.
 */
@Injectable()
export class PlatformHttpClientFactory {
  private readonly policy: HttpPolicy;

  constructor(@Inject(HTTP_POLICY_OVERRIDES) overrides: Partial<HttpPolicy> = {}) {
    this.policy = resolveHttpPolicy(overrides);
  }

  create(spec: PlatformHttpClientSpec): PlatformHttpClient {
    return new PlatformHttpClient({ ...spec, policy: resolveHttpPolicy({ ...this.policy, ...spec.policy }) });
  }
}
