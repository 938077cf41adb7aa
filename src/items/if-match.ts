import { BadRequestException, PreconditionFailedException } from '@nestjs/common';

/** The ETag of an item version: a strong entity tag, `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

const ENTITY_TAG = /^(W\/)?"(\d{1,9})"$/;

/**
 * The versions an `If-Match` header accepts (RFC 9110 §13.1.1): `undefined` when absent or
 * `*` (any current version), else the strong tags' versions. If-Match compares strongly, so a
 * weak tag never matches: a header of weak tags only is a 412 that says so (not "has changed",
 * which would send the client to fetch a version it already has). Anything that is not an
 * entity tag is a 400.
 */
export function parseIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const versions: number[] = [];
  for (const tag of header.split(',').map((part) => part.trim())) {
    const match = ENTITY_TAG.exec(tag);
    if (!match) throw new BadRequestException('If-Match must be * or entity tags such as "3"');
    if (!match[1]) versions.push(Number(match[2]));
  }
  if (versions.length === 0) {
    throw new PreconditionFailedException(
      'If-Match takes strong entity tags only (RFC 9110): send the ETag as received, e.g. "3", not W/"3"',
    );
  }
  return versions;
}
