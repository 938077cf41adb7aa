import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';

/** Deeper than any real request body; class-transformer recurses once per level. */
export const MAX_BODY_DEPTH = 32;

/**
 * The app-wide ValidationPipe (whitelist, forbidNonWhitelisted, transform), which first
 * refuses input nested deeper than {@link MAX_BODY_DEPTH}: class-transformer walks unknown
 * properties recursively, and 5,000 nested arrays (10 KB of JSON) overflow its stack — a 500.
 */
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Custom decorators (@CurrentUser) hand over server-built objects, not client input.
    if (metadata.type !== 'custom' && depthExceeds(value, MAX_BODY_DEPTH)) {
      throw new BadRequestException(`Request ${metadata.type} is nested too deeply`);
    }
    return super.transform(value, metadata);
  }
}

/** Iterative, so the check itself cannot overflow the stack; stops at the first too-deep node. */
function depthExceeds(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}
