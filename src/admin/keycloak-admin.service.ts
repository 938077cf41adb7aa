import { HttpService } from '@nestjs/axios';
import { BadGatewayException, Inject, Injectable, Logger } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { KeycloakRealm, ServiceTokenClient, timeKeycloakRequest } from 'nest-keycloak-auth';
import type { RealmUserDto } from './dto/realm-user.dto.js';

/** Reads the realm's users from Keycloak's Admin REST API with the service-account token. */
@Injectable()
export class KeycloakAdminService {
  private readonly logger = new Logger('KeycloakAdmin');

  constructor(
    @Inject(KeycloakRealm) private readonly keycloak: KeycloakRealm,
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(ServiceTokenClient) private readonly serviceToken: ServiceTokenClient,
  ) {}

  /** One page of users; 502 when Keycloak fails or answers something unexpected. */
  async listUsers(first: number, max: number): Promise<RealmUserDto[]> {
    const token = await this.serviceToken.getToken();
    const url = this.keycloak.adminUrl('/users');
    let data: unknown;
    try {
      ({ data } = await timeKeycloakRequest('admin', () =>
        firstValueFrom(
          this.http.get<unknown>(url, {
            params: { first, max, briefRepresentation: true },
            headers: { Authorization: `Bearer ${token}` },
            timeout: this.keycloak.httpTimeoutMs,
          }),
        ),
      ));
    } catch (error) {
      const status = (error as { response?: { status?: number } }).response?.status;
      // A revoked or rotated-out service token: forget it so the next call gets a fresh one.
      if (status === 401) this.serviceToken.invalidate();
      this.logger.error(
        `Admin API users request failed (${status ? `HTTP ${status}` : 'no answer'})`,
      );
      throw new BadGatewayException('Failed to read users from Keycloak');
    }
    if (!Array.isArray(data)) throw new BadGatewayException('Failed to read users from Keycloak');
    return data.map(toRealmUser);
  }
}

function toRealmUser(raw: unknown): RealmUserDto {
  const user = (raw ?? {}) as Record<string, unknown>;
  return {
    id: String(user.id),
    username: String(user.username),
    email: typeof user.email === 'string' ? user.email : undefined,
    enabled: user.enabled === true,
  };
}
