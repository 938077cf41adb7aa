import { BadRequestException } from '@nestjs/common';

/** The ETag of an item version: a strong entity tag, `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

const ENTITY_TAG = /^(W\/)?"(\d{1,9})"$/;

/**
 * The versions an `If-Match` header accepts (RFC 9110 §13.1.1): `undefined` when absent or
 * `*` (any current version), else the strong tags' versions. Weak tags never match a strong
 * comparison, so `W/"3"` alone matches nothing: 412. Anything that is not an entity tag is a 400.
 */
export function parseIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const tag of header.split(',').map((part) => part.trim())) {
    const match = ENTITY_TAG.exec(tag);
    if (!match) throw new BadRequestException('If-Match must be * or entity tags such as "3"');
    if (!match[1]) versions.push(Number(match[2]));
  }
  return versions;
}
