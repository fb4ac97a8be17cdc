/** The PlatformAdaptersOptions given to forRoot / forRootAsync. */
export const PLATFORM_ADAPTERS_OPTIONS = Symbol('PLATFORM_ADAPTERS_OPTIONS');

/** Every registered adapter, as one array (Nest has no multi-providers; a factory collects them). */
export const PLATFORM_ADAPTERS = Symbol('PLATFORM_ADAPTERS');

/** The platform names that must each have exactly one adapter; PLATFORM_NAMES from @app/contracts. */
export const KNOWN_PLATFORMS = Symbol('KNOWN_PLATFORMS');
