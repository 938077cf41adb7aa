import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';
import { KeycloakAdminService } from './keycloak-admin.service.js';

/** GET /admin/users through Keycloak's Admin REST API. */
@Module({
  imports: [HttpModule],
  controllers: [AdminController],
  providers: [KeycloakAdminService],
})
export class AdminModule {}
