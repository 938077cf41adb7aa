import { Module } from '@nestjs/common';
import { MeController } from './me.controller.js';

/** GET /me. */
@Module({ controllers: [MeController] })
export class MeModule {}
