import { Module } from '@nestjs/common';
import { ShutdownModule } from '../shutdown/shutdown.module.js';
import { HealthController } from './health.controller.js';

/** GET /health and GET /health/ready (which answers 503 once a shutdown has begun). */
@Module({ imports: [ShutdownModule], controllers: [HealthController] })
export class HealthModule {}
