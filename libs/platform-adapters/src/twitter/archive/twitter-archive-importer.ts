import type { AccountInfo } from '../../adapter/account-info';
import type { CollectionPlan, Cursor, ExportItem, JsonObject, Page } from '../../adapter/collection';
import type { ArchiveImporter, OpenedArchive } from '../../archive/archive-importer';
import { filePages } from '../../archive/file-pages';
import { InvalidArchiveError } from '../../archive/invalid-archive';
import { assignedJson, jsonArrayElements } from '../../archive/json-array-stream';
import { archiveRoot } from '../../archive/platform-detection';
import type { ZipArchive } from '../../archive/zip-archive';
import { UnknownCollectionError } from '../../errors';
import { arrayField, asRecord, stringField } from '../../json-shape';
import {
  archiveConnectionRecord,
  archiveLikeRecord,
  archiveMessageRecords,
  archiveNoteTweetRecord,
  archiveTime,
  archiveTweetRecord,
  type ArchiveOwner,
} from './twitter-archive-records';

/** Small files read whole (manifest, account, profile). */
const SMALL_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Each collection, with the manifest's data types it reads (older archives name them differently) and
 * the file names to fall back on when the manifest does not list the type.
 */
const X_ARCHIVE_COLLECTIONS = {
  profile: { types: ['account', 'profile'], fallback: ['account.js', 'profile.js'] },
  tweets: { types: ['tweets', 'tweet'], fallback: ['tweets.js', 'tweet.js'] },
  'note-tweets': { types: ['noteTweet'], fallback: ['note-tweet.js'] },
  'deleted-tweets': { types: ['deletedTweets'], fallback: ['deleted-tweets.js', 'deleted-tweet.js'] },
  likes: { types: ['like'], fallback: ['like.js'] },
  followers: { types: ['follower'], fallback: ['follower.js'] },
  following: { types: ['following'], fallback: ['following.js'] },
  'direct-messages': { types: ['directMessages'], fallback: ['direct-messages.js', 'direct-message.js'] },
  'group-direct-messages': { types: ['directMessagesGroup'], fallback: ['direct-messages-group.js', 'direct-message-group.js'] },
} as const;

type XCollection = keyof typeof X_ARCHIVE_COLLECTIONS;

const isXCollection = (name: string): name is XCollection => Object.hasOwn(X_ARCHIVE_COLLECTIONS, name);

/**
 * The X archive (`Your archive.zip`): `data/manifest.js` is the index to trust, each data type one or
 * more `data/<type>(-partN).js` files holding `window.YTD.<type>.partN = [ … ]`. Posts are v1.1 objects,
 * normalised to the X adapter's records; media are the archive's `data/tweets_media/<tweetId>-…` files
 * (older archives: `tweet_media`, DMs: `direct_messages_media/<messageId>-…`).
 */
export class TwitterArchiveImporter implements ArchiveImporter {
  readonly platform = 'twitter' as const;
  readonly collections = Object.keys(X_ARCHIVE_COLLECTIONS);

  async open(zip: ZipArchive): Promise<OpenedArchive> {
    const names = zip.names();
    const root = archiveRoot(names, /data\/manifest\.js$/);
    const manifest = asRecord(assignedJson(await zip.text(`${root}data/manifest.js`, SMALL_FILE_BYTES)));
    if (!manifest) throw new InvalidArchiveError('corrupt', 'data/manifest.js of the X archive is not readable');
    const files = new Map<XCollection, string[]>();
    const dataTypes = asRecord(manifest.dataTypes) ?? {};
    for (const [collection, spec] of Object.entries(X_ARCHIVE_COLLECTIONS) as [XCollection, (typeof X_ARCHIVE_COLLECTIONS)[XCollection]][]) {
      const listed = spec.types.flatMap((type) =>
        (arrayField(asRecord(dataTypes[type]), 'files') ?? []).flatMap((file) => {
          const name = stringField(file, 'fileName');
          return name ? [`${root}${name.replace(/^\.?\//, '')}`] : [];
        }),
      );
      const candidates = listed.length > 0 ? listed : spec.fallback.map((name) => `${root}data/${name}`);
      const present = candidates.filter((name) => zip.has(name));
      if (present.length > 0) files.set(collection, present);
    }
    const user = asRecord(manifest.userInfo);
    const account = await readAccount(zip, files.get('profile') ?? []);
    const owner: ArchiveOwner = {
      id: stringField(user, 'accountId') ?? stringField(account, 'accountId') ?? '',
      username: stringField(user, 'userName') ?? stringField(account, 'username') ?? null,
      name: stringField(user, 'displayName') ?? stringField(account, 'accountDisplayName') ?? null,
    };
    if (!owner.id) throw new InvalidArchiveError('corrupt', 'The X archive names no account (userInfo.accountId)');
    return new OpenedXArchive(zip, root, files, owner);
  }
}

async function readAccount(zip: ZipArchive, profileFiles: readonly string[]): Promise<Record<string, unknown> | undefined> {
  const file = profileFiles.find((name) => /\/account\.js$|^account\.js$/.test(name));
  if (!file) return undefined;
  const list = assignedJson(await zip.text(file, SMALL_FILE_BYTES));
  return Array.isArray(list) ? asRecord(asRecord(list[0])?.account) : undefined;
}

class OpenedXArchive implements OpenedArchive {
  private readonly tweetMedia = new Map<string, string[]>();
  private readonly messageMedia = new Map<string, string[]>();

  constructor(
    private readonly zip: ZipArchive,
    private readonly root: string,
    private readonly files: ReadonlyMap<XCollection, string[]>,
    private readonly owner: ArchiveOwner,
  ) {
    const mediaFile = /^(?:tweets?_media|deleted_tweets_media|direct_messages(?:_group)?_media)\/(\d+)-[^/]+$/;
    for (const name of zip.names()) {
      if (!name.startsWith(`${root}data/`)) continue;
      const match = mediaFile.exec(name.slice(root.length + 'data/'.length));
      if (!match) continue;
      const index = name.includes('direct_messages') ? this.messageMedia : this.tweetMedia;
      index.set(match[1], [...(index.get(match[1]) ?? []), name]);
    }
  }

  account(): AccountInfo {
    return { accountId: this.owner.id, name: this.owner.name ?? this.owner.username ?? this.owner.id, ...(this.owner.username ? { handle: this.owner.username } : {}), scopes: [] };
  }

  plans(collections?: readonly string[]): CollectionPlan[] {
    return (Object.keys(X_ARCHIVE_COLLECTIONS) as XCollection[])
      .filter((name) => this.files.has(name) && (!collections || collections.includes(name)))
      .map((name) => ({ collection: name, feature: name }));
  }

  unknownFiles(): string[] {
    const known = new Set<string>([`${this.root}data/manifest.js`, ...[...this.files.values()].flat()]);
    for (const list of [...this.tweetMedia.values(), ...this.messageMedia.values()]) for (const name of list) known.add(name);
    return this.zip.names().filter((name) => !known.has(name));
  }

  /** Pages through filePages: a resumed import starts inside the file it stopped in. */
  async *pages(plan: CollectionPlan, from?: Cursor, signal?: AbortSignal): AsyncIterable<Page> {
    const collection = plan.collection;
    if (!isXCollection(collection)) throw new UnknownCollectionError('twitter', collection);
    if (collection === 'profile') {
      yield { items: [await this.profile()] };
      return;
    }
    const zip = this.zip;
    const elementsOf = async function* (file: string): AsyncGenerator<unknown> {
      yield* readable(file, jsonArrayElements(await zip.stream(file)));
    };
    yield* filePages(this.files.get(collection) ?? [], elementsOf, (value) => this.records(collection, value), {
      platform: 'twitter',
      collection,
      from,
      signal,
    });
  }

  private records(collection: Exclude<XCollection, 'profile'>, value: unknown): ExportItem[] {
    const one = (item: ExportItem | undefined): ExportItem[] => (item ? [item] : []);
    switch (collection) {
      case 'tweets':
      case 'deleted-tweets': {
        const id = stringField(asRecord(asRecord(value)?.tweet) ?? value, 'id_str') ?? '';
        return one(archiveTweetRecord(value, this.owner, this.tweetMedia.get(id) ?? []));
      }
      case 'note-tweets':
        return one(archiveNoteTweetRecord(value, this.owner));
      case 'likes':
        return one(archiveLikeRecord(value));
      case 'followers':
        return one(archiveConnectionRecord(value, 'follower'));
      case 'following':
        return one(archiveConnectionRecord(value, 'following'));
      case 'direct-messages':
      case 'group-direct-messages':
        return archiveMessageRecords(value, (id) => this.messageMedia.get(id) ?? []);
    }
  }

  /** The X adapter's profile record, from `account.js` and `profile.js`. */
  private async profile(): Promise<ExportItem> {
    const files = this.files.get('profile') ?? [];
    const account = await readAccount(this.zip, files);
    const profileFile = files.find((name) => name.endsWith('profile.js'));
    const profileList = profileFile ? assignedJson(await this.zip.text(profileFile, SMALL_FILE_BYTES)) : undefined;
    const profile = Array.isArray(profileList) ? asRecord(asRecord(profileList[0])?.profile) : undefined;
    const description = asRecord(profile?.description);
    const { id, username, name } = this.owner;
    const data: JsonObject = {
      id,
      username,
      name,
      description: stringField(description, 'bio') ?? null,
      location: stringField(description, 'location') ?? null,
      createdAt: archiveTime(stringField(account, 'createdAt')),
      url: username ? `https://x.com/${username}` : null,
      protected: null,
      publicMetrics: null,
      pinnedTweetId: null,
      profileImageUrl: stringField(profile, 'avatarMediaUrl') ?? null,
      source: 'archive',
      raw: JSON.parse(JSON.stringify({ account: account ?? null, profile: profile ?? null })) as JsonObject,
    };
    return { id, data };
  }
}

/** A data file that does not parse is a broken archive, reported as such rather than retried. */
async function* readable(file: string, elements: AsyncGenerator<unknown>): AsyncGenerator<unknown> {
  try {
    yield* elements;
  } catch (error) {
    if (error instanceof SyntaxError || (error instanceof Error && /ends inside its array|element is longer/.test(error.message))) {
      throw new InvalidArchiveError('corrupt', `${file} of the X archive is not readable (${error.message})`);
    }
    throw error;
  }
}
