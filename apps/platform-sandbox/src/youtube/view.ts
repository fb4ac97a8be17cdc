import { hashString } from '../core/prng';
import { errors } from '../google/api-error';
import { Reply, jsonReply } from '../http/reply';
import type { Call } from '../server/call';
import type { Account } from '../synthetic/account';
import { FieldsSyntaxError, applyFields, parseFields } from './fields';
import type { View } from './resources';

export function makeView(call: Call, viewer: Account, parts: ReadonlySet<string>, textFormat: 'html' | 'plainText' = 'html'): View {
  const partsKey = hashString([...parts].sort().join(','));
  return { base: call.state.baseUrl, viewer, parts, universe: call.state.universe, textFormat, partsKey };
}

export function parseTextFormat(query: URLSearchParams): 'html' | 'plainText' | Reply {
  const raw = query.get('textFormat') ?? 'html';
  return raw === 'html' || raw === 'plainText' ? raw : errors.invalidValue('textFormat', raw);
}

/** A successful Data API answer, with the `fields` selection applied. */
export function ok(call: Call, body: Record<string, unknown>): Reply {
  const fields = call.ctx.query.get('fields');
  if (fields === null || fields === '') return jsonReply(200, body);
  try {
    return jsonReply(200, applyFields(body, parseFields(fields)));
  } catch (error) {
    if (error instanceof FieldsSyntaxError) return errors.invalidValue('fields', fields);
    throw error;
  }
}

/** Comma-separated ids; more than 50 is refused the way Google refuses it. */
export function idList(raw: string): string[] | Reply {
  const ids = [...new Set(raw.split(',').filter((id) => id !== ''))];
  return ids.length > 50 ? errors.invalidFilters() : ids;
}
