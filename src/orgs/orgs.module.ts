import { Module } from '@nestjs/common';
import { OrgsController } from './orgs.controller.js';

/** GET /orgs/{org}: an example of routes scoped by Keycloak Organizations. */
@Module({ controllers: [OrgsController] })
export class OrgsModule {}
