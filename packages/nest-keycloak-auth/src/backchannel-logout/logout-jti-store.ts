/**
 * The `jti`s of logout tokens already received, so a replay is refused. The type is also the
 * injection token: the in-memory store is the default; a shared one replaces it.
 */
export abstract class LogoutJtiStore {
  /**
   * Records the `jti` of a realm's logout token until `untilMs` (epoch ms, after which the
   * token has expired anyway). Resolves true the first time, false for a replay.
   */
  abstract remember(realm: string, jti: string, untilMs: number): Promise<boolean>;
}
