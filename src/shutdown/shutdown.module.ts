import { Module } from '@nestjs/common';
import { ShutdownService } from './shutdown.service.js';

/** The graceful shutdown (configureApp starts listening for signals) and its state for readiness. */
@Module({ providers: [ShutdownService], exports: [ShutdownService] })
export class ShutdownModule {}
