import type { CollectionView, CollectionViews, JsonObject, JsonValue } from '@app/platform-adapters';
import type { ExportErrorRecord } from '../pipeline/media-fetcher';
import type { ArchiveFile, CollectionSource } from './collection-files';
import { safeId } from './entry-names';
import { flatten } from './flatten';
import { escapeHtml, externalLink, htmlPage, htmlPageParts, isWebAddress, linkify, readableTime } from './html';
import { displayRecord } from './item-record';
import { mediaWalker } from './media-walker';

/** What the viewer says about the export as a whole, and how each collection's items are shown. */
export interface ViewerInfo {
  platform: string;
  accountName?: string;
  exportedAt: string;
  views?: CollectionViews;
  errors: () => AsyncIterable<ExportErrorRecord>;
}

const PAGE_SIZE = 500;
const ERRORS_PAGE = 'html/errors.html';
const IMAGE = /\.(jpe?g|png|gif|webp|avif)$/i;
const VIDEO = /\.(mp4|webm|m4v|mov)$/i;

/** Where an item's card is: its heading and the page it is on. */
interface CardPlace {
  title: string;
  page: number;
}

/** The items of another collection about one item (a video's comments): how many, and where the first is. */
interface Followers {
  collection: string;
  count: number;
  firstId: string;
  page: number;
}

/** What one collection's pages need to know about the others. */
interface Links {
  /** Items of the collection this one's items are about, by id (filled as that collection is written). */
  places?: Map<string, CardPlace>;
  /** Items of other collections about this one's items, by this one's id. */
  followers?: Map<string, Followers>;
}

/**
 * An offline viewer: an index with the account and the export date, each collection in pages of
 * PAGE_SIZE cards (title, date, text, media from the archive, every field under "All fields"), replies
 * nested under the comment they answer, comments linked with their video both ways, and a page of what
 * could not be exported. A collection whose items are about another's (comments) is read once more,
 * up front, to count them per item; only those counts and the other collection's headings are held,
 * and a page only until it is handed to the archive.
 */
export async function* htmlViewer(collections: CollectionSource[], info: ViewerInfo): AsyncGenerator<ArchiveFile> {
  const title = info.accountName ? `${info.accountName}: ${info.platform} export` : `${info.platform} export`;
  yield textFile('index.html', htmlPage(title, indexBody(collections), subtitle(info)));
  const views = info.views ?? {};
  const places = new Map<string, Map<string, CardPlace>>();
  const followers = new Map<string, Map<string, Followers>>();
  for (const collection of collections) {
    const about = views[collection.name]?.about;
    if (!about || !collections.some((other) => other.name === about.collection)) continue;
    places.set(about.collection, new Map());
    followers.set(about.collection, await countFollowers(collection, about.field));
  }
  // Collections about another come after it, so their cards can name the item they are about.
  const follows = (collection: CollectionSource): number => (places.has(views[collection.name]?.about?.collection ?? '') ? 1 : 0);
  for (const collection of [...collections].sort((a, b) => follows(a) - follows(b))) {
    const view = views[collection.name] ?? {};
    const links: Links = { places: view.about && places.get(view.about.collection), followers: followers.get(collection.name) };
    yield* collectionPages(collection, view, title, links, places.get(collection.name));
  }
  yield { name: ERRORS_PAGE, content: () => errorsPage(info, title) };
}

/** Per item of the other collection: how many of `collection`'s items are about it, and where the first is. */
async function countFollowers(collection: CollectionSource, field: string): Promise<Map<string, Followers>> {
  const counts = new Map<string, Followers>();
  let position = 0;
  for await (const item of collection.items()) {
    const target = text(displayRecord(item)[field]);
    const known = target === undefined ? undefined : counts.get(target);
    if (known) known.count += 1;
    else if (target !== undefined) {
      counts.set(target, { collection: collection.name, count: 1, firstId: item.id, page: Math.floor(position / PAGE_SIZE) + 1 });
    }
    position += 1;
  }
  return counts;
}

function subtitle(info: ViewerInfo): string {
  return `<p>${escapeHtml(info.platform)} · exported ${escapeHtml(readableTime(info.exportedAt))}</p>`;
}

function indexBody(collections: CollectionSource[]): string {
  const rows = collections
    .map(
      (collection) =>
        `<tr><td><a href="html/${escapeHtml(collection.name)}-1.html">${escapeHtml(collection.name)}</a></td>` +
        `<td>${collection.count}</td></tr>`,
    )
    .join('\n');
  return (
    `<table><tr><th>Collection</th><th>Items</th></tr>\n${rows}</table>\n` +
    `<p><a href="${ERRORS_PAGE}">Items and media that could not be exported</a></p>\n` +
    `<p class="meta"><code>manifest.json</code> lists every file of this export with its size and SHA-256.</p>`
  );
}

async function* collectionPages(
  collection: CollectionSource,
  view: CollectionView,
  title: string,
  links: Links,
  ownPlaces?: Map<string, CardPlace>,
): AsyncGenerator<ArchiveFile> {
  const pages = Math.max(1, Math.ceil(collection.count / PAGE_SIZE));
  const media = mediaWalker(collection.media);
  let page = 1;
  let html: string[] = [];
  let onPage = 0;
  /** The card whose replies are still open: replies that follow it go inside it. */
  let openThread: string | undefined;
  const closeThread = (): void => {
    if (openThread !== undefined) html.push('</div></article>\n');
    openThread = undefined;
  };
  const pageFile = (): ArchiveFile => {
    closeThread();
    const nav = Array.from({ length: pages }, (_, i) =>
      i + 1 === page ? `<strong>${i + 1}</strong>` : `<a href="${escapeHtml(collection.name)}-${i + 1}.html">${i + 1}</a>`,
    ).join(' ');
    const body = `${pages > 1 ? `<nav class="pages">${nav}</nav>` : ''}${html.join('')}`;
    return textFile(
      `html/${collection.name}-${page}.html`,
      htmlPage(`${collection.name} (${page}/${pages})`, body, `<a href="../index.html">${escapeHtml(title)}</a>`),
    );
  };
  for await (const item of collection.items()) {
    const files = await media.namesFor(item.id);
    // Read once per item: a spool line in an older form builds a fresh copy at each call.
    const record = displayRecord(item);
    const parent = view.replyTo ? text(record[view.replyTo]) : undefined;
    ownPlaces?.set(item.id, { title: headingOf(item.id, record, view), page });
    if (parent !== undefined && parent === openThread) {
      html.push(card(item.id, record, view, files, ''));
    } else {
      closeThread();
      const note =
        aboutNote(record, view, links) +
        followersNote(item.id, links) +
        (parent !== undefined ? `<p class="meta">In reply to <a href="#${anchor(parent)}">a comment</a></p>` : '');
      const opened = card(item.id, record, view, files, note);
      if (view.replyTo && parent === undefined) {
        // Left open: the replies that follow are nested inside this card.
        html.push(opened.replace(/<\/article>\n$/, '<div class="replies">\n'));
        openThread = item.id;
      } else {
        html.push(opened);
      }
    }
    onPage += 1;
    if (onPage === PAGE_SIZE && page < pages) {
      yield pageFile();
      html = [];
      onPage = 0;
      page += 1;
    }
  }
  yield pageFile();
}

/** "On <the video>": a link to the card of the item this one is about. */
function aboutNote(record: JsonObject, view: CollectionView, links: Links): string {
  const target = view.about ? text(record[view.about.field]) : undefined;
  if (!view.about || target === undefined) return '';
  const place = links.places?.get(target);
  const what = place
    ? `<a href="${escapeHtml(view.about.collection)}-${place.page}.html#${anchor(target)}">${escapeHtml(place.title)}</a>`
    : `${escapeHtml(view.about.collection)} item ${escapeHtml(target)} (not in this export)`;
  return `<p class="meta about">On ${what}</p>`;
}

/** "12 comments": a link to the first of the items about this one. */
function followersNote(id: string, links: Links): string {
  const followers = links.followers?.get(id);
  if (!followers) return '';
  const href = `${escapeHtml(followers.collection)}-${followers.page}.html#${anchor(followers.firstId)}`;
  return `<p class="meta followers"><a href="${href}">${followers.count} ${escapeHtml(followers.collection)}</a></p>`;
}

/** What heads an item's card: its title, else its author (a comment), else its id. */
function headingOf(id: string, record: JsonObject, view: CollectionView): string {
  return text(view.title ? record[view.title] : undefined) ?? text(view.author ? record[view.author] : undefined) ?? id;
}

function card(id: string, record: JsonObject, view: CollectionView, files: string[], note: string): string {
  const title = text(view.title ? record[view.title] : undefined);
  const author = text(view.author ? record[view.author] : undefined);
  // A comment has no title: its author heads the card instead of an id nobody reads.
  const heading = headingOf(id, record, view);
  const byline = title !== undefined && author !== undefined ? `by ${escapeHtml(author)}` : '';
  const link = text(view.link ? record[view.link] : undefined);
  const date = text(view.date ? record[view.date] : undefined);
  const body = text(view.text ? record[view.text] : undefined);
  const meta = [date ? `<time datetime="${escapeHtml(date)}">${escapeHtml(readableTime(date))}</time>` : '', byline]
    .filter(Boolean)
    .join(' · ');
  const mediaHtml = files
    .map((file) => {
      const src = `../${escapeHtml(file)}`;
      if (IMAGE.test(file)) return `<img src="${src}" alt="" loading="lazy">`;
      if (VIDEO.test(file)) return `<video src="${src}" controls preload="none"></video>`;
      return `<p><a href="${src}">${escapeHtml(file)}</a></p>`;
    })
    .join('');
  const fields = [...flatten(record)].map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${fieldValue(value)}</dd>`).join('');
  return (
    `<article class="card" id="${anchor(id)}" data-id="${escapeHtml(id)}">` +
    `<h2>${link && isWebAddress(link) ? externalLink(link, heading) : escapeHtml(heading)}</h2>` +
    (meta ? `<p class="meta">${meta}</p>` : '') +
    note +
    (mediaHtml ? `<div class="media">${mediaHtml}</div>` : '') +
    (body ? `<p class="text">${linkify(body)}</p>` : '') +
    `<details><summary>All fields</summary><dl>${fields}</dl></details>` +
    `</article>\n`
  );
}

function fieldValue(value: JsonValue): string {
  if (typeof value === 'string') return isWebAddress(value) ? externalLink(value, value) : escapeHtml(value);
  return escapeHtml(JSON.stringify(value));
}

function text(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

const anchor = (id: string): string => `item-${safeId(id)}`;

async function* errorsPage(info: ViewerInfo, title: string): AsyncGenerator<string> {
  const [head, tail] = htmlPageParts('Not exported', `<a href="../index.html">${escapeHtml(title)}</a>`);
  yield head;
  let count = 0;
  for await (const record of info.errors()) {
    if (count === 0) yield '<table><tr><th>Collection</th><th>Item</th><th>Reason</th></tr>\n';
    const what = record.url ? `${record.itemId ?? ''} (${record.url})` : (record.itemId ?? '');
    yield `<tr><td>${escapeHtml(record.collection)}</td><td>${escapeHtml(what)}</td><td>${escapeHtml(record.reason)}</td></tr>\n`;
    count += 1;
  }
  yield count === 0 ? '<p>Everything was exported: nothing was skipped.</p>\n' : '</table>\n';
  yield tail;
}

function textFile(name: string, content: string): ArchiveFile {
  return {
    name,
    content: async function* () {
      yield content;
    },
  };
}
