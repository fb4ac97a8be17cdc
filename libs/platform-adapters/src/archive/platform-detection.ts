/** The archives Star Export can tell apart, named as the platforms of the catalogue. */
export type ArchivePlatform = 'twitter' | 'facebook' | 'instagram' | 'youtube';

/** Takeout's YouTube folder in the languages whose names are known (Takeout localises folder names). */
export const TAKEOUT_YOUTUBE_FOLDERS = ['YouTube and YouTube Music', 'YouTube', 'YouTube und YouTube Music'];

/**
 * Which platform's archive this is, from its file names alone (an uploaded name or a `platform` field
 * proves nothing). Archives are often re-zipped with one extra top folder, so markers match at any depth.
 */
export function detectArchivePlatform(names: readonly string[]): ArchivePlatform | undefined {
  const has = (pattern: RegExp): boolean => names.some((name) => pattern.test(name));
  if (has(/(^|\/)data\/manifest\.js$/)) return 'twitter';
  const takeout = TAKEOUT_YOUTUBE_FOLDERS.map((folder) => folder.replace(/ /g, '\\ ')).join('|');
  if (has(new RegExp(`(^|/)Takeout/(${takeout})/`))) return 'youtube';
  // Instagram's DYI shares Meta's layout with Facebook's (`personal_information/`, `messages/inbox/`);
  // its own folders and files tell it apart, in each generation of the layout.
  if (has(/(^|\/)(your_instagram_activity|instagram_profile|followers_and_following|account_information)\//)) return 'instagram';
  if (has(/(^|\/)personal_information\/(personal_information\/)?personal_information\.json$/)) return 'instagram';
  if (has(/(^|\/)(your_facebook_activity|personal_information|profile_information|posts|messages\/inbox)\//)) return 'facebook';
  return undefined;
}

/** The folder the archive's own root sits in (`""`, or `my-archive/` when it was re-zipped in a folder). */
export function archiveRoot(names: readonly string[], marker: RegExp): string {
  for (const name of names) {
    const match = marker.exec(name);
    if (match) return name.slice(0, match.index);
  }
  return '';
}
