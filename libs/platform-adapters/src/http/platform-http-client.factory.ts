import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_ADAPTERS_OPTIONS } from '../platform-adapters.tokens';
import type { PlatformAdaptersOptions } from '../platform-adapters.options';
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

  constructor(@Inject(PLATFORM_ADAPTERS_OPTIONS) options: PlatformAdaptersOptions) {
    this.policy = resolveHttpPolicy(options.http);
  }

  create(spec: PlatformHttpClientSpec): PlatformHttpClient {
    return new PlatformHttpClient({ ...spec, policy: resolveHttpPolicy({ ...this.policy, ...spec.policy }) });
  }
}
