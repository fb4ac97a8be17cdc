/**
 * Google's partial-response `fields` parameter: `items(id,snippet/title),nextPageToken`. A selection
 * is a tree of property names; `a/b` is short for `a(b)` and `*` keeps everything at its level.
 */
export type FieldTree = Map<string, FieldTree | null>;

export class FieldsSyntaxError extends Error {}

export function parseFields(text: string): FieldTree {
  let pos = 0;
  const parseList = (closing: string | null): FieldTree => {
    const tree: FieldTree = new Map();
    for (;;) {
      const [name, sub] = parsePath();
      merge(tree, name, sub);
      if (pos >= text.length) {
        if (closing) throw new FieldsSyntaxError(`missing "${closing}"`);
        return tree;
      }
      const char = text[pos];
      if (char === ',') {
        pos++;
        continue;
      }
      if (char === closing) {
        pos++;
        return tree;
      }
      throw new FieldsSyntaxError(`unexpected "${char}" at ${pos}`);
    }
  };
  const parseName = (): string => {
    const match = /^(\*|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(pos));
    if (!match) throw new FieldsSyntaxError(`expected a field name at ${pos}`);
    pos += match[0].length;
    return match[0];
  };
  const parsePath = (): [string, FieldTree | null] => {
    const name = parseName();
    if (text[pos] === '/') {
      pos++;
      const [child, sub] = parsePath();
      return [name, new Map([[child, sub]])];
    }
    if (text[pos] === '(') {
      pos++;
      return [name, parseList(')')];
    }
    return [name, null];
  };
  const tree = parseList(null);
  if (pos !== text.length) throw new FieldsSyntaxError(`unexpected text at ${pos}`);
  return tree;
}

function merge(tree: FieldTree, name: string, sub: FieldTree | null): void {
  if (!tree.has(name)) {
    tree.set(name, sub);
    return;
  }
  const existing = tree.get(name) ?? null;
  if (existing === null || sub === null) {
    tree.set(name, null); // selecting the whole field wins over a sub-selection
    return;
  }
  for (const [child, childSub] of sub) merge(existing, child, childSub);
}

export function applyFields(value: unknown, tree: FieldTree | null): unknown {
  if (tree === null) return value;
  if (Array.isArray(value)) return value.map((item) => applyFields(item, tree));
  if (!value || typeof value !== 'object') return value;
  if (tree.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [name, sub] of tree) {
    const field = (value as Record<string, unknown>)[name];
    if (field !== undefined) out[name] = applyFields(field, sub);
  }
  return out;
}
