import { Module } from '@nestjs/common';
import { PartnersController } from './partners.controller.js';

/** GET /partners/ping: an example of a route only one accepted realm may call. */
@Module({ controllers: [PartnersController] })
export class PartnersModule {}
