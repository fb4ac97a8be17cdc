import { PLATFORM_NAMES } from '@app/contracts';
import type { PlatformName } from '@app/contracts';

/** A select's value as a platform the API knows, or '' for none chosen. */
export function platformOrNone(value: string): PlatformName | '' {
  return PLATFORM_NAMES.find((name) => name === value) ?? '';
}
