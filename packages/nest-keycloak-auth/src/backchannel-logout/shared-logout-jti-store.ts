import { Inject, Injectable } from '@nestjs/common';
import { RedisConnection } from '../redis/redis-connection.js';
import { InMemoryLogoutJtiStore } from './in-memory-logout-jti-store.js';

/**
 * Logout `jti`s shared by the replicas: a token replayed to another replica is refused too.
 * Each `jti` is set in Redis only if absent (`SET NX`), expiring with its token; this process
 * remembers it as well. While Redis fails, the in-process store alone answers: a replay that
 * slips through then only revokes again what is already revoked.
 */
@Injectable()
export class SharedLogoutJtiStore extends InMemoryLogoutJtiStore {
  constructor(@Inject(RedisConnection) private readonly redis: RedisConnection) {
    super();
  }

  override async remember(realm: string, jti: string, untilMs: number): Promise<boolean> {
    if (!(await super.remember(realm, jti, untilMs))) return false;
    const ms = Math.ceil(untilMs - this.now());
    if (ms <= 0) return true;
    const shared = await this.redis.attempt('logout_jti', (redis) =>
      redis.set(this.redis.key('logout-jti', realm, jti), '1', {
        condition: 'NX',
        expiration: { type: 'PX', value: ms },
      }),
    );
    return shared === undefined || shared.value === 'OK';
  }
}
