/** The PlatformAdaptersSetup given to forRoot / forRootAsync. */
export const PLATFORM_ADAPTERS_SETUP = Symbol('PLATFORM_ADAPTERS_SETUP');

/** Every slice of the settings, checked (ResolvedSettings); the module derives the per-slice tokens from it. */
export const RESOLVED_SETTINGS = Symbol('RESOLVED_SETTINGS');

/** The media slice (MediaOptions), for the media downloaders. */
export const MEDIA_OPTIONS = Symbol('MEDIA_OPTIONS');

/** Overrides of DEFAULT_HTTP_POLICY for every platform (Partial<HttpPolicy>). */
export const HTTP_POLICY_OVERRIDES = Symbol('HTTP_POLICY_OVERRIDES');

/** Every registered adapter, as one array (Nest has no multi-providers; a factory collects them). */
export const PLATFORM_ADAPTERS = Symbol('PLATFORM_ADAPTERS');

/** The platform names that must each have exactly one adapter; PLATFORM_NAMES from @app/contracts. */
export const KNOWN_PLATFORMS = Symbol('KNOWN_PLATFORMS');
