import { SetMetadata } from '@nestjs/common';
import { REQUIRE_DPOP_KEY } from '../metadata/metadata-keys.js';

/**
 * Requires a DPoP-bound token (RFC 9449) and a valid proof on the route (or controller) it
 * marks, whatever `dpopMode` allows elsewhere: a Bearer token gets 401 with a `DPoP` challenge.
 * @example
 * @RequireDpop()
 * @Post('transfers')
 * transfer() {}
 */
export const RequireDpop = () => SetMetadata(REQUIRE_DPOP_KEY, true);
