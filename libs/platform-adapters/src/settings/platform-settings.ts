import type { PlatformDefinition } from '../adapter/platform-definition';
import { readMediaOptions, type MediaOptions } from '../media/media.options';
import { PLATFORMS } from '../platforms';
import { SettingsReader, type PlatformSettings } from './settings-reader';

/** Every slice, read and checked: the media slice, and each platform's own by name. */
export interface ResolvedSettings {
  media: MediaOptions;
  platforms: ReadonlyMap<string, unknown>;
}

/** Settings a platform or the media slice refuses; thrown while the app boots, one line per problem. */
export class PlatformSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid platform settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'PlatformSettingsError';
  }
}

/** Reads every slice; problems are collected, not thrown. */
export function readPlatformSettings(
  settings: PlatformSettings,
  platforms: readonly PlatformDefinition[] = PLATFORMS,
): { resolved: ResolvedSettings; problems: string[] } {
  const read = new SettingsReader(settings);
  const media = readMediaOptions(read, platforms.flatMap((platform) => platform.mediaHosts));
  const slices = new Map(platforms.map((platform) => [platform.name, platform.readOptions(read)] as const));
  return { resolved: { media, platforms: slices }, problems: read.problems };
}

/** Problems with the settings as sentences naming the setting; empty when every platform can use them. */
export function checkPlatformSettings(settings: PlatformSettings): string[] {
  return readPlatformSettings(settings).problems;
}

/** Every slice, or PlatformSettingsError listing every problem. */
export function resolvePlatformSettings(settings: PlatformSettings, platforms?: readonly PlatformDefinition[]): ResolvedSettings {
  const { resolved, problems } = readPlatformSettings(settings, platforms);
  if (problems.length > 0) throw new PlatformSettingsError(problems);
  return resolved;
}
