import type { AccountInfo } from '../../adapter/account-info';
import type { CollectionPlan, Cursor, ExportItem, Page } from '../../adapter/collection';
import type { ArchiveImporter, OpenedArchive } from '../../archive/archive-importer';
import { filePages } from '../../archive/file-pages';
import { MetaMediaIndex, metaFilesOf, streamedElements, threadMessages, wholeFile } from '../../archive/meta-archive';
import type { ZipArchive } from '../../archive/zip-archive';
import { UnknownCollectionError } from '../../errors';
import { arrayField, asRecord, stringField } from '../../json-shape';
import {
  archiveCommentRecord,
  archiveMessageRecord,
  archivePhotoRecord,
  archivePostRecord,
  archiveProfileRecord,
  archiveReactionRecord,
  archiveVideoRecord,
  profileId,
} from './facebook-archive-records';

/**
 * Where each collection lives, for the 2024 layout (`your_facebook_activity/…`, `personal_information/…`)
 * and the older one (`posts/`, `comments/`, `messages/inbox/`, `photos_and_videos/` at the top). Matched
 * at any depth, since archives are often re-zipped inside a folder.
 */
const FACEBOOK_FILES = {
  profile: /(^|\/)profile_information\/profile_information\.json$/,
  posts: /(^|\/)posts\/your_posts(__check_ins__photos_and_videos)?_\d+\.json$/,
  photos: /(^|\/)(posts|photos_and_videos)\/(album\/\d+|your_uncategorized_photos)\.json$/,
  videos: /(^|\/)(posts|photos_and_videos)\/your_videos\.json$/,
  comments: /(^|\/)comments(_and_reactions)?\/comments\.json$/,
  reactions: /(^|\/)(comments_and_reactions\/(likes_and_reactions(_\d+)?|posts_and_comments)|likes_and_reactions\/posts_and_comments)\.json$/,
  messages: /(^|\/)messages\/(inbox|e2ee_cutover|archived_threads|filtered_threads|message_requests)\/[^/]+\/message_\d+\.json$/,
} as const;

type FacebookCollection = keyof typeof FACEBOOK_FILES;

const COLLECTIONS = Object.keys(FACEBOOK_FILES) as FacebookCollection[];
const isCollection = (name: string): name is FacebookCollection => Object.hasOwn(FACEBOOK_FILES, name);

/**
 * Facebook's "Download Your Information" in JSON: posts with their attachments, photos, videos, the
 * user's comments and reactions, Messenger threads and the profile, normalised to the Facebook adapter's
 * records (Messenger, comments and reactions only an archive has). Meta's mojibake is repaired in every
 * string and its unix times become ISO 8601 UTC.
 */
export class FacebookArchiveImporter implements ArchiveImporter {
  readonly platform = 'facebook' as const;
  readonly collections: readonly string[] = COLLECTIONS;

  async open(zip: ZipArchive): Promise<OpenedArchive> {
    const files = metaFilesOf(zip.names(), FACEBOOK_FILES, 'Facebook');
    const profileFile = files.get('profile')?.[0];
    const profile = profileFile ? asRecord(await wholeFile(zip, profileFile, 'Facebook')) : undefined;
    const root = profileFile ? profileFile.slice(0, profileFile.search(/(personal_information\/)?profile_information\//)) : '';
    return new OpenedFacebookArchive(zip, files, profile ?? {}, new MetaMediaIndex(zip, root));
  }
}

class OpenedFacebookArchive implements OpenedArchive {
  constructor(
    private readonly zip: ZipArchive,
    private readonly files: ReadonlyMap<FacebookCollection, string[]>,
    private readonly profileFile: Record<string, unknown>,
    private readonly media: MetaMediaIndex,
  ) {}

  account(): AccountInfo {
    const profile = asRecord(this.profileFile.profile_v2) ?? asRecord(this.profileFile.profile) ?? {};
    const id = profileId(profile);
    return { accountId: id, name: stringField(asRecord(profile.name), 'full_name') ?? id, scopes: [] };
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
    if (!isCollection(collection)) throw new UnknownCollectionError('facebook', collection);
    const where = { platform: 'facebook', collection, from, signal };
    const files = this.files.get(collection) ?? [];
    if (collection === 'profile') {
      yield { items: [archiveProfileRecord(this.profileFile, this.media)] };
      return;
    }
    if (collection === 'messages') {
      yield* filePages(files, (file) => threadMessages(this.zip, file, 'Facebook'), (message) => [archiveMessageRecord(message, this.media)], where);
      return;
    }
    if (collection === 'photos') {
      yield* filePages(files, (file) => this.photos(file), (item) => [item], where);
      return;
    }
    yield* filePages(files, (file) => streamedElements(this.zip, file, 'Facebook'), (value) => this.records(collection, value), where);
  }

  private records(collection: 'posts' | 'videos' | 'comments' | 'reactions', value: unknown): ExportItem[] {
    const entry = asRecord(value);
    if (!entry) return [];
    switch (collection) {
      case 'posts':
        return [archivePostRecord(entry, this.media)];
      case 'videos':
        return [archiveVideoRecord(entry, this.media)];
      case 'comments':
        return [archiveCommentRecord(entry)];
      case 'reactions':
        return [archiveReactionRecord(entry)];
    }
  }

  /** An album file is one album (small, read whole); `your_uncategorized_photos.json` can be long and is streamed. */
  private async *photos(file: string): AsyncGenerator<ExportItem> {
    if (/your_uncategorized_photos\.json$/.test(file)) {
      for await (const photo of streamedElements(this.zip, file, 'Facebook')) {
        const record = asRecord(photo);
        if (record) yield archivePhotoRecord(record, { name: null, id: null }, this.media);
      }
      return;
    }
    const album = asRecord(await wholeFile(this.zip, file, 'Facebook')) ?? {};
    const albumInfo = { name: stringField(album, 'name') ?? null, id: /(\d+)\.json$/.exec(file)?.[1] ?? null };
    for (const photo of arrayField(album, 'photos') ?? []) {
      const record = asRecord(photo);
      if (record) yield archivePhotoRecord(record, albumInfo, this.media);
    }
  }
}
