import { decodePageToken, encodePageToken } from '../core/codec';
import { hashString } from '../core/prng';
import { errors } from '../google/api-error';
import type { Reply } from '../http/reply';
import { etag } from '../synthetic/ids';
import { isReply } from './common';

/** The maxResults a list method accepts, and what it uses when the request names none. */
export interface PageSizes {
  min: number;
  max: number;
  fallback: number;
}

/** Most Data API lists page 0..50 entries, 5 by default. */
export const LIST_PAGE: PageSizes = { min: 0, max: 50, fallback: 5 };
/** Comment lists page 1..100 entries, 20 by default. */
export const COMMENT_PAGE: PageSizes = { min: 1, max: 100, fallback: 20 };

/** Where a list request starts (its pageToken) and how many entries it may hold (its maxResults). */
export interface PageRequest {
  offset: number;
  size: number;
}

export function parseMaxResults(query: URLSearchParams, sizes: PageSizes): number | Reply {
  const raw = query.get('maxResults');
  if (raw === null || raw === '') return sizes.fallback;
  if (!/^\d+$/.test(raw)) return errors.notAnInteger('maxResults', raw);
  const value = Number(raw);
  if (value < sizes.min || value > sizes.max) return errors.outOfRange('maxResults', raw, sizes.min, sizes.max);
  return value;
}

/**
 * maxResults, then pageToken, refused in that order as Google does. Handlers parse both before acting
 * on their filter, so a bad pageToken is refused even by a lookup by id.
 */
export function parsePageRequest(query: URLSearchParams, sizes: PageSizes): PageRequest | Reply {
  const size = parseMaxResults(query, sizes);
  if (isReply(size)) return size;
  const token = query.get('pageToken');
  if (token === null || token === '') return { offset: 0, size };
  const offset = decodePageToken(token);
  return offset === null ? errors.invalidPageToken() : { offset, size };
}

/** The 1-based page a list request asks for, for fault rules ("page 3"). */
export function pageNumber(query: URLSearchParams, defaultMax: number): number {
  const token = query.get('pageToken');
  const offset = token ? decodePageToken(token) : 0;
  const raw = query.get('maxResults');
  const size = raw && /^\d+$/.test(raw) ? Number(raw) : defaultMax;
  return offset === null ? 1 : Math.floor(offset / Math.max(1, size)) + 1;
}

/** A list response with Google's paging fields; `paging` null for answers that do not page (lookups by id). */
export function listResponse(
  kind: string,
  items: unknown[],
  paging: { offset: number; size: number; total: number } | null,
  resultsPerPage: number,
  seedText: string,
): Record<string, unknown> {
  const response: Record<string, unknown> = { kind, etag: etag(hashString(seedText), paging?.offset ?? 0, items.length) };
  if (paging && paging.size > 0) {
    if (paging.offset + paging.size < paging.total) response.nextPageToken = encodePageToken(paging.offset + paging.size, false);
    if (paging.offset > 0) response.prevPageToken = encodePageToken(Math.max(0, paging.offset - paging.size), true);
  }
  response.items = items;
  response.pageInfo = { totalResults: paging?.total ?? items.length, resultsPerPage };
  return response;
}

/**
 * The requested page of a virtual list of `total` entries as a list response. Only the page's entries
 * are made, so a million-video channel costs no more than a small one. Positions `entry` answers null
 * for are left out: the page comes back short and the next one still starts where the tokens say,
 * as YouTube does with entries hidden from the viewer.
 */
export function pagedListResponse<T>(
  kind: string,
  page: PageRequest,
  total: number,
  entry: (position: number) => T | null,
  seedText: string,
): Record<string, unknown> {
  const items: T[] = [];
  const end = Math.min(total, page.offset + page.size);
  for (let position = page.offset; position < end; position++) {
    const item = entry(position);
    if (item !== null) items.push(item);
  }
  return listResponse(kind, items, { offset: page.offset, size: page.size, total }, page.size, seedText);
}
