import { Inject, Injectable } from '@nestjs/common';
import { RedisConnection } from '../redis/redis-connection.js';
import { InMemoryLogoutJtiStore } from './in-memory-logout-jti-store.js';

/**
 * Logout `jti`s shared by the replicas: a token replayed to another replica is refused too
 * (`SET NX` in Redis, expiring with its token; this process remembers it as well). While Redis
 * fails, this process alone answers: a replay that slips through then only revokes again what
 * is already revoked.
 */
@Injectable()
export class SharedLogoutJtiStore extends InMemoryLogoutJtiStore {
  constructor(@Inject(RedisConnection) protected override readonly redis: RedisConnection) {
    super();
  }
}
