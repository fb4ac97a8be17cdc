import type { AccountInfo } from '../../adapter/account-info';
import type { CollectionPlan, Cursor, ExportItem, Page } from '../../adapter/collection';
import type { ArchiveImporter, OpenedArchive } from '../../archive/archive-importer';
import { filePages } from '../../archive/file-pages';
import { MetaMediaIndex, metaFilesOf, streamedElements, threadMessages, wholeFile } from '../../archive/meta-archive';
import type { ZipArchive } from '../../archive/zip-archive';
import { UnknownCollectionError } from '../../errors';
import { archiveMessageRecord } from '../../facebook/archive/facebook-archive-records';
import { asRecord } from '../../json-shape';
import { archiveCommentRecord, archiveConnectionRecord, archiveMediaRecord, archiveProfileRecord } from './instagram-archive-records';

const INSTAGRAM_URL = 'https://www.instagram.com';

/**
 * Where each collection lives across the DYI generations: `account_information/` until 2022, then
 * `personal_information/personal_information.json`, nested once more from 2024, when everything the user
 * did moved under `your_instagram_activity/` (posts in `content/`, later `media/`) and `connections/`.
 * Matched at any depth.
 */
const INSTAGRAM_FILES = {
  profile: /(^|\/)(personal_information\/(personal_information\/)?personal_information|account_information\/personal_information)\.json$/,
  posts: /(^|\/)(content|media)\/posts_\d+\.json$/,
  stories: /(^|\/)(content|media)\/stories\.json$/,
  reels: /(^|\/)(content|media)\/reels\.json$/,
  comments: /(^|\/)comments\/(post_comments(_\d+)?|reels_comments)\.json$/,
  messages: /(^|\/)messages\/(inbox|message_requests)\/[^/]+\/message_\d+\.json$/,
  followers: /(^|\/)followers_and_following\/followers(_\d+)?\.json$/,
  following: /(^|\/)followers_and_following\/following\.json$/,
} as const;

type InstagramCollection = keyof typeof INSTAGRAM_FILES;

const COLLECTIONS = Object.keys(INSTAGRAM_FILES) as InstagramCollection[];
const isCollection = (name: string): name is InstagramCollection => Object.hasOwn(INSTAGRAM_FILES, name);

/**
 * Instagram's "Download Your Information" in JSON: profile, posts, stories, reels, the user's comments,
 * Direct messages (Messenger's file shape), followers and following, in the Instagram adapter's record
 * shapes where it has the collection. Mojibake repaired, unix times as ISO 8601 UTC.
 */
export class InstagramArchiveImporter implements ArchiveImporter {
  readonly platform = 'instagram' as const;
  readonly collections: readonly string[] = COLLECTIONS;

  async open(zip: ZipArchive): Promise<OpenedArchive> {
    const files = metaFilesOf(zip.names(), INSTAGRAM_FILES, 'Instagram');
    const profileFile = files.get('profile')?.[0];
    const profile = profileFile ? await wholeFile(zip, profileFile, 'Instagram') : {};
    const root = profileFile ? profileFile.slice(0, profileFile.search(/(personal|account)_information\//)) : '';
    const media = new MetaMediaIndex(zip, root);
    return new OpenedInstagramArchive(zip, files, archiveProfileRecord(profile, INSTAGRAM_URL, media), media);
  }
}

class OpenedInstagramArchive implements OpenedArchive {
  constructor(
    private readonly zip: ZipArchive,
    private readonly files: ReadonlyMap<InstagramCollection, string[]>,
    private readonly profile: ExportItem,
    private readonly media: MetaMediaIndex,
  ) {}

  account(): AccountInfo {
    const { username, fullName } = this.profile.data;
    return {
      accountId: this.profile.id,
      name: typeof fullName === 'string' && fullName ? fullName : this.profile.id,
      ...(typeof username === 'string' ? { handle: username } : {}),
      scopes: [],
    };
  }

  plans(collections?: readonly string[]): CollectionPlan[] {
    return COLLECTIONS.filter((name) => this.files.has(name) && (!collections || collections.includes(name))).map((name) => ({ collection: name, feature: name }));
  }

  unknownFiles(): string[] {
    const known = new Set([...this.files.values()].flat());
    return this.zip.names().filter((name) => !known.has(name) && !this.media.isMedia(name));
  }

  async *pages(plan: CollectionPlan, from?: Cursor, signal?: AbortSignal): AsyncIterable<Page> {
    const collection = plan.collection;
    if (!isCollection(collection)) throw new UnknownCollectionError('instagram', collection);
    const where = { platform: 'instagram', collection, from, signal };
    const files = this.files.get(collection) ?? [];
    if (collection === 'profile') {
      yield { items: [this.profile] };
      return;
    }
    if (collection === 'messages') {
      yield* filePages(files, (file) => threadMessages(this.zip, file, 'Instagram'), (message) => [archiveMessageRecord(message, this.media)], where);
      return;
    }
    yield* filePages(files, (file) => streamedElements(this.zip, file, 'Instagram'), (value, file) => this.records(collection, value, file), where);
  }

  private records(collection: Exclude<InstagramCollection, 'profile' | 'messages'>, value: unknown, file: string): ExportItem[] {
    const item = asRecord(value);
    if (!item) return [];
    const one = (record: ExportItem | undefined): ExportItem[] => (record ? [record] : []);
    switch (collection) {
      case 'posts':
        return [archiveMediaRecord(item, 'feed', this.media)];
      case 'stories':
        return [archiveMediaRecord(item, 'story', this.media)];
      case 'reels':
        return [archiveMediaRecord(item, 'clips', this.media)];
      case 'comments':
        return [archiveCommentRecord(item, /reels_comments\.json$/.test(file) ? 'reel' : 'post')];
      case 'followers':
        return one(archiveConnectionRecord(item, 'follower'));
      case 'following':
        return one(archiveConnectionRecord(item, 'following'));
    }
  }
}
