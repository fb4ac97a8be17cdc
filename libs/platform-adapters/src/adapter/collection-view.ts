/**
 * How the offline HTML viewer shows the items of one collection: which of the record's own fields hold
 * the heading, the date, the text and the link. Field names refer to `ExportItem.data`; a field an item
 * lacks (or holds null) is simply not shown. The viewer stays platform-neutral: it only follows these.
 */
export interface CollectionView {
  /** Heading of the item's card; the id when absent. */
  title?: string;
  /** ISO 8601 timestamp shown under the heading. */
  date?: string;
  /** Who wrote it, when that is someone else than the account (comments). */
  author?: string;
  /** Free text shown in full, with web addresses made clickable. */
  text?: string;
  /** The item's page on the platform. */
  link?: string;
  /** Field naming the item this one answers (a reply's parent comment), for threading. */
  replyTo?: string;
  /**
   * Field naming the item of another collection this one is about (a comment's video): the item's card
   * links to that one, and that one's card counts these and links to them.
   */
  about?: { field: string; collection: string };
}

export type CollectionViews = Readonly<Record<string, CollectionView>>;
