import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { RealmsGuard } from '../guards/realms.guard.js';
import { REALMS_KEY } from '../metadata/metadata-keys.js';

/**
 * Only tokens of these realms (names from `KEYCLOAK_REALMS`) may call the route or controller:
 * 403 for a token of any other accepted realm. The guard comes with the decorator, so routes
 * without it pay nothing; on a handler it replaces the controller's list. A name the allow-list
 * lacks is logged at start-up (WARN), and the route then refuses everyone.
 * @example
 * @Realms('partners')
 * @Get('partners/ping')
 * ping() {}
 */
export const Realms = (...realms: string[]) =>
  applyDecorators(SetMetadata(REALMS_KEY, realms), UseGuards(RealmsGuard));
