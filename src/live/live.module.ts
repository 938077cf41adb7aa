import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module.js';
import { LiveGateway } from './live.gateway.js';

/** Live updates over `/ws` (served through KeycloakWsAdapter, registered by configureApp). */
@Module({ imports: [ItemsModule], providers: [LiveGateway] })
export class LiveModule {}
