import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC_KEY } from '../metadata/metadata-keys.js';

/**
 * Lets a route (or every route of a controller) through without a token.
 * @example
 * @Public()
 * @Get('health')
 * health() { return { status: 'ok' }; }
 */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
