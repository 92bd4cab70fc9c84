/**
 * Entity tags (RFC 9110 8.8.3): `"opaque"` or weak `W/"opaque"`, where the opaque part is made
 * of `%x21 / %x23-7E / obs-text` (no space, no `"`).
 */
export interface EntityTag {
  weak: boolean;
  /** The characters between the quotes. */
  opaque: string;
}

/** A parsed `If-Match` / `If-None-Match`: `*`, or a list of tags (an unparseable member matches nothing). */
export type EntityTagCondition = '*' | EntityTag[];

const ETAG_CHARS = /^[\x21\x23-\x7e\x80-\xff]*$/;
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/** `"v5"` → `{ weak: false, opaque: 'v5' }`; anything that is not an entity tag → `undefined`. */
export function parseEntityTag(value: string): EntityTag | undefined {
  const match = ENTITY_TAG.exec(value);
  return match ? { weak: match[1] !== undefined, opaque: match[2] } : undefined;
}

/**
 * Parses an `If-Match` / `If-None-Match` value: `*` or a comma-separated list of entity tags.
 * Members that are not entity tags are dropped (they can match nothing).
 */
export function parseEntityTagCondition(value: string): EntityTagCondition {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const tags: EntityTag[] = [];
  // Commas may not appear inside a tag, so a split is enough.
  for (const member of trimmed.split(',')) {
    const tag = parseEntityTag(member.trim());
    if (tag) tags.push(tag);
  }
  return tags;
}

/** Strong comparison (RFC 9110 8.8.3.2): both strong, same opaque part. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

/** Weak comparison: same opaque part, weakness ignored. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

/** `{ weak: false, opaque: 'v5' }` → `"v5"`. */
export function formatEntityTag(tag: EntityTag): string {
  return `${tag.weak ? 'W/' : ''}"${tag.opaque}"`;
}

/**
 * The strong tag of a resource version: a number becomes `"v5"`; a string is used as the
 * opaque part (`abc` → `"abc"`), or as is when it is already an entity tag (`"abc"`, `W/"abc"`).
 * `null`/`undefined` mean "no version" (the body is hashed instead).
 */
export function versionTag(version: unknown): EntityTag | undefined {
  if (version === null || version === undefined) return undefined;
  if (typeof version === 'number' || typeof version === 'bigint') {
    return { weak: false, opaque: `v${version}` };
  }
  if (typeof version === 'string') {
    const tag = parseEntityTag(version);
    if (tag) return tag;
    if (ETAG_CHARS.test(version)) return { weak: false, opaque: version };
  }
  throw new TypeError(
    `@ETag() returned ${JSON.stringify(String(version))}, which cannot be an ETag: return a number ` +
      'or a string without spaces or double quotes.',
  );
}
