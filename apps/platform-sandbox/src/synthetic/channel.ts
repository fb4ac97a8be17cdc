import { Rng, hash32 } from '../core/prng';
import { PHANTOM_BIT, channelId, threadId, uploadsPlaylistId, videoId } from './ids';
import { clip, title as makeTitle, words } from './text';

/** What a channel is made of; accounts and phantom channels both reduce to this. */
export interface ChannelParams {
  tag: number;
  seed: number;
  title: string;
  handle: string;
  description: string;
  videoCount: number;
  createdAtMs: number;
  latestUploadMs: number;
  maxThreadsPerVideo: number;
  maxRepliesPerThread: number;
  hostileText: boolean;
  hostileMediaUrls: boolean;
  /** playlistItems.list of the uploads playlist stops after this many items (YouTube: about 20,000). */
  uploadsLimit: number | null;
  ownerAccountKey: string | null;
}

export type Privacy = 'public' | 'unlisted' | 'private';

/** The facts of one video that more than one resource needs; text is generated separately. */
export interface VideoFacts {
  index: number;
  id: string;
  publishedMs: number;
  privacy: Privacy;
  /** A video removed after it was added to someone's playlist: videos.list no longer returns it. */
  deleted: boolean;
  commentsDisabled: boolean;
  durationSeconds: number;
  hd: boolean;
  viewCount: number;
  likeCount: number;
  likesHidden: boolean;
}

const DAY = 86_400_000;
const NS = { video: 0x5601, thread: 0x5402, reply: 0x5203, text: 0x5404 };

export class SyntheticChannel {
  readonly id: string;
  readonly uploadsId: string;
  private readonly step: number;
  private threadPrefix: Float64Array | null = null;

  constructor(readonly params: ChannelParams) {
    this.id = channelId(params.tag);
    this.uploadsId = uploadsPlaylistId(this.id);
    const span = Math.max(0, params.latestUploadMs - params.createdAtMs);
    // At least two seconds apart, so publishedAt strictly decreases even after rounding to seconds.
    this.step = Math.max(2000, Math.floor(span / (params.videoCount + 1)));
  }

  get tag(): number {
    return this.params.tag;
  }

  get isPhantom(): boolean {
    return (this.params.tag & PHANTOM_BIT) !== 0;
  }

  get videoCount(): number {
    return this.params.videoCount;
  }

  /** Items the uploads playlist lists, which YouTube caps for very large channels. */
  get uploadsListed(): number {
    return this.params.uploadsLimit === null ? this.params.videoCount : Math.min(this.params.uploadsLimit, this.params.videoCount);
  }

  videoId(index: number): string {
    return videoId(this.params.tag, index);
  }

  /** Video 0 is the newest; publishedAt strictly decreases with the index. */
  videoPublishedMs(index: number): number {
    const jitter = hash32(this.params.seed, index, NS.video, 1) % Math.floor(this.step / 2);
    const ms = this.params.latestUploadMs - index * this.step - jitter;
    return ms - (ms % 1000);
  }

  videoFacts(index: number): VideoFacts {
    const rng = new Rng(hash32(this.params.seed, index, NS.video));
    const roll = rng.float();
    const privacy: Privacy = roll < 0.03 ? 'private' : roll < 0.08 ? 'unlisted' : 'public';
    const durationRoll = rng.float();
    const durationSeconds =
      durationRoll < 0.15
        ? rng.between(5, 59) // shorts
        : durationRoll < 0.97
          ? rng.between(60, 3600)
          : rng.between(3601, 200_000); // streams longer than a day use the P#DT form
    const viewCount = Math.floor(rng.float() ** 3 * 5_000_000);
    return {
      index,
      id: this.videoId(index),
      publishedMs: this.videoPublishedMs(index),
      privacy,
      deleted: this.isPhantom && rng.chance(0.02),
      commentsDisabled: this.commentsDisabled(index),
      durationSeconds,
      hd: rng.chance(0.8),
      viewCount,
      likeCount: Math.floor(viewCount * rng.float() * 0.08),
      likesHidden: rng.chance(0.05),
    };
  }

  videoRng(index: number, field: number): Rng {
    return new Rng(hash32(this.params.seed, index, NS.text, field));
  }

  videoTitle(index: number): string {
    return makeTitle(this.videoRng(index, 1), this.params.hostileText, `Video ${index + 1}`);
  }

  // ---- comments ---------------------------------------------------------------------------------

  /** About one video in 25 has comments turned off (cheap: computed for every video of a channel). */
  commentsDisabled(index: number): boolean {
    return hash32(this.params.seed, index, NS.video, 3) % 25 === 0;
  }

  threadCount(index: number): number {
    if (this.params.maxThreadsPerVideo <= 0 || this.commentsDisabled(index)) return 0;
    const h = hash32(this.params.seed, index, NS.thread);
    // Skewed: most videos have few threads, some have the maximum.
    const r = (h % 1000) / 1000;
    return Math.floor(r * r * (this.params.maxThreadsPerVideo + 1));
  }

  /** Cumulative thread counts, computed once (8 bytes per video, never one object per item). */
  private prefix(): Float64Array {
    if (!this.threadPrefix) {
      const n = this.params.videoCount;
      const prefix = new Float64Array(n + 1);
      for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + this.threadCount(i);
      this.threadPrefix = prefix;
    }
    return this.threadPrefix;
  }

  threadsTotal(): number {
    if (this.params.maxThreadsPerVideo <= 0) return 0;
    return this.prefix()[this.params.videoCount];
  }

  /** Global thread numbers run over all videos, newest video first, newest thread first. */
  firstThreadOf(video: number): number {
    return this.params.maxThreadsPerVideo <= 0 ? 0 : this.prefix()[video];
  }

  locateThread(thread: number): { video: number; k: number } | null {
    if (thread < 0 || thread >= this.threadsTotal()) return null;
    const prefix = this.prefix();
    let lo = 0;
    let hi = this.params.videoCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (prefix[mid] <= thread) lo = mid;
      else hi = mid - 1;
    }
    return { video: lo, k: thread - prefix[lo] };
  }

  threadId(thread: number): string {
    return threadId(this.params.tag, thread);
  }

  /**
   * Threads on video v fall between its upload and the next upload, so that walking videos newest
   * first and threads newest first is also newest-first by time, as commentThreads order=time is.
   */
  threadPublishedMs(video: number, k: number): number {
    const lo = this.videoPublishedMs(video) + 1000;
    const hi = video === 0 ? this.videoPublishedMs(0) + 30 * DAY : this.videoPublishedMs(video - 1) - 1000;
    const count = this.threadCount(video);
    const ms = hi <= lo ? lo : hi - Math.floor(((k + 1) * (hi - lo)) / (count + 1));
    return ms - (ms % 1000);
  }

  replyCount(thread: number): number {
    if (this.params.maxRepliesPerThread <= 0) return 0;
    const h = hash32(this.params.seed, thread, NS.reply);
    const r = (h % 1000) / 1000;
    if (r < 0.6) return 0;
    if (r < 0.9) return 1 + (h % 3);
    if (r < 0.97) return Math.min(this.params.maxRepliesPerThread, 3 + (h % 8));
    return this.params.maxRepliesPerThread;
  }

  /** Replies are numbered newest first; reply 0 is the latest. */
  replyPublishedMs(threadPublishedMs: number, thread: number, reply: number, replies: number): number {
    const gap = 60_000 + (hash32(this.params.seed, thread, NS.reply, 2) % (6 * 3_600_000));
    const ms = threadPublishedMs + (replies - reply) * gap;
    return ms - (ms % 1000);
  }

  /** comments + replies on a video, as statistics.commentCount reports. */
  commentCount(video: number): number {
    const count = this.threadCount(video);
    if (count === 0) return 0;
    const first = this.firstThreadOf(video);
    let total = 0;
    for (let k = 0; k < count; k++) total += 1 + this.replyCount(first + k);
    return total;
  }

  invalidate(): void {
    this.threadPrefix = null;
  }
}

const PHANTOM_EPOCH = Date.UTC(2006, 0, 1);

/** A channel that belongs to no account: everything about it comes from its tag. */
export function phantomChannel(tag: number): SyntheticChannel {
  const seed = hash32(tag, 0x5048);
  const rng = new Rng(seed);
  const name = clip(`${words(rng, rng.between(1, 3))}`, 40);
  const createdAtMs = PHANTOM_EPOCH + rng.int(15 * 365) * DAY;
  return new SyntheticChannel({
    tag,
    seed,
    title: rng.chance(0.2) ? makeTitle(rng, true, 'Channel') : name,
    handle: `${name.replace(/[^\p{L}\p{N}]+/gu, '').slice(0, 20) || 'channel'}-${tag.toString(36)}`,
    description: words(rng, rng.between(0, 30)),
    videoCount: rng.between(1, 300),
    createdAtMs,
    latestUploadMs: createdAtMs + rng.int(Date.UTC(2026, 3, 1) - createdAtMs),
    maxThreadsPerVideo: 0,
    maxRepliesPerThread: 0,
    hostileText: true,
    hostileMediaUrls: false,
    uploadsLimit: null,
    ownerAccountKey: null,
  });
}
