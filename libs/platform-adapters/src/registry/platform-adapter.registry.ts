import { Inject, Injectable } from '@nestjs/common';
import type { PlatformDescriptor } from '@app/contracts';
import type { PlatformAdapter } from '../adapter/platform-adapter';
import { PlatformNotFoundError } from '../errors';
import { KNOWN_PLATFORMS, PLATFORM_ADAPTERS } from '../platform-adapters.tokens';

/** The registry's adapters do not match the known platforms; thrown while the app boots. */
export class AdapterRegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(`Platform adapters are misconfigured:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'AdapterRegistryError';
  }
}

/**
 * Looks adapters up by platform name. It checks itself when Nest creates it, so the app refuses to boot
 * when a known platform has no adapter, when two adapters claim one name, or when an adapter serves a
 * platform the contracts do not list. The known platforms are PLATFORM_NAMES, which lists exactly the
 * platforms that have an adapter today (YouTube); the check is what keeps the two lists in step as the
 * Facebook, Twitter and Instagram adapters arrive.
 */
@Injectable()
export class PlatformAdapterRegistry {
  private readonly adapters = new Map<string, PlatformAdapter>();

  constructor(
    @Inject(PLATFORM_ADAPTERS) adapters: PlatformAdapter[],
    @Inject(KNOWN_PLATFORMS) known: readonly string[],
  ) {
    const problems: string[] = [];
    for (const adapter of adapters) {
      const name = adapter.descriptor.name;
      const claimed = this.adapters.get(name);
      if (claimed) {
        problems.push(`two adapters claim "${name}": ${claimed.constructor.name} and ${adapter.constructor.name}`);
      } else if (!known.includes(name)) {
        problems.push(`${adapter.constructor.name} serves "${name}", which is not a known platform (${known.join(', ')})`);
      } else {
        this.adapters.set(name, adapter);
      }
    }
    for (const name of known) {
      if (!this.adapters.has(name) && !problems.some((problem) => problem.includes(`"${name}"`))) {
        problems.push(`no adapter serves "${name}"`);
      }
    }
    if (problems.length > 0) throw new AdapterRegistryError(problems);
    // Catalogue order follows the known list, not provider registration order.
    this.adapters = new Map(known.map((name) => [name, this.adapters.get(name) as PlatformAdapter]));
  }

  /** The adapter for `name`; PlatformNotFoundError (PLATFORM_NOT_FOUND) when there is none. */
  get(name: string): PlatformAdapter {
    const adapter = this.adapters.get(name);
    if (!adapter) throw new PlatformNotFoundError(name);
    return adapter;
  }

  has(name: string): boolean {
    return this.adapters.has(name);
  }

  list(): PlatformAdapter[] {
    return [...this.adapters.values()];
  }

  /** The catalogue `GET /api/platforms` serves. */
  descriptors(): PlatformDescriptor[] {
    return this.list().map((adapter) => adapter.descriptor);
  }
}
