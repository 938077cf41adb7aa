import { createLocalJWKSet } from 'jose';
import { AuthSettings } from '../auth-settings.js';
import { AuthError, AuthErrorCode } from '../errors/auth-error.js';
import type { KeySource } from '../jwks/key-source.js';
import type { OidcDiscoveryService } from '../oidc/oidc-discovery.service.js';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { KeycloakStandIn, type LogoutTokenOptions } from '../testing/index.js';
import { LogoutRefusalCode as Code } from './logout-refusal.js';
import { BACKCHANNEL_LOGOUT_EVENT, LogoutTokenValidator } from './logout-token.validator.js';

const now = () => Math.floor(Date.now() / 1000);

let keycloak: KeycloakStandIn;

beforeAll(async () => {
  keycloak = await KeycloakStandIn.start();
});

afterAll(() => keycloak.stop());

/** A validator over the stand-in's keys (no HTTP), or over a key source that fails. */
function validator(getKey?: KeySource['getKey']): LogoutTokenValidator {
  const settings = new AuthSettings({
    serverUrl: keycloak.url,
    realm: keycloak.realm,
    clientId: 'nest-api',
    backchannelLogoutAudiences: ['nest-api-web', 'other-web'],
    clockToleranceSeconds: 30,
  });
  const keys = { getKey: getKey ?? createLocalJWKSet(keycloak.jwks()) } as unknown as KeySource;
  const discovery = { endpoints: deriveEndpoints(keycloak.issuer) } as OidcDiscoveryService;
  return new LogoutTokenValidator(settings, keys, discovery);
}

async function refusalOf(token: string, subject = validator()): Promise<string> {
  return subject.validate(token).then(
    () => 'accepted',
    (error: { code: string }) => error.code,
  );
}

const mint = (options: LogoutTokenOptions) => keycloak.logoutToken({ sid: 's1', ...options });

describe('LogoutTokenValidator (Back-Channel Logout 1.0 §2.6)', () => {
  it('returns the logout a valid token asks for', async () => {
    const iat = now();
    const token = await keycloak.logoutToken({ sid: 's1', sub: 'u1', jti: 'j1', iat });
    await expect(validator().validate(token)).resolves.toEqual({
      realm: 'demo',
      sid: 's1',
      sub: 'u1',
      jti: 'j1',
      iat,
      exp: iat + 120,
    });
  });

  // Each rule: a token that passes it and one that fails it.
  it.each<[string, LogoutTokenOptions, LogoutTokenOptions, string]>([
    [
      'signature: a key the realm never published',
      {},
      { forge: 'foreign-key' },
      Code.InvalidSignature,
    ],
    ['algorithm: alg none', {}, { forge: 'alg-none' }, Code.InvalidSignature],
    ['algorithm: HS256 with the public key', {}, { forge: 'hs256' }, Code.InvalidSignature],
    ['iss', {}, { iss: 'http://evil.test/realms/demo' }, Code.InvalidIssuer],
    ['aud (string)', { aud: 'other-web' }, { aud: 'nest-api' }, Code.InvalidAudience],
    ['aud (array)', { aud: ['x', 'nest-api-web'] }, { aud: ['x', 'y'] }, Code.InvalidAudience],
    ['iat present', {}, { omit: ['iat'] }, Code.InvalidIssuedAt],
    ['iat not in the future', { iat: now() + 20 }, { iat: now() + 120 }, Code.InvalidIssuedAt],
    [
      'iat not after exp',
      { iat: now(), exp: now() + 1 },
      { iat: now() - 5, exp: now() - 10 },
      Code.InvalidIssuedAt,
    ],
    ['exp present', {}, { omit: ['exp'] }, Code.Expired],
    [
      'exp not passed',
      { iat: now() - 200, exp: now() - 20 },
      { iat: now() - 200, exp: now() - 60 },
      Code.Expired,
    ],
    ['events present', {}, { omit: ['events'] }, Code.MissingEvent],
    [
      'the logout event',
      { extra: { events: { [BACKCHANNEL_LOGOUT_EVENT]: { a: 1 }, x: {} } } },
      { extra: { events: { x: {} } } },
      Code.MissingEvent,
    ],
    [
      'the event is an object',
      {},
      { extra: { events: { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' } } },
      Code.MissingEvent,
    ],
    ['sid or sub', { sid: undefined, sub: 'u1' }, { sid: undefined }, Code.MissingSubject],
    ['sid a string', {}, { extra: { sid: 42 } }, Code.MissingSubject],
    ['no nonce', {}, { extra: { nonce: 'n' } }, Code.NoncePresent],
    ['typ logout+jwt', { typ: 'application/logout+jwt' }, { typ: 'JWT' }, Code.WrongType],
    ['typ may be absent', { typ: null }, { typ: 'at+jwt' }, Code.WrongType],
    ['jti present', {}, { omit: ['jti'] }, Code.MissingJti],
  ])('%s: passes, and refuses with its code', async (_rule, pass, fail, code) => {
    expect(await refusalOf(await mint(pass))).toBe('accepted');
    expect(await refusalOf(await mint(fail))).toBe(code);
  });

  it('refuses what is not a JWT', async () => {
    expect(await refusalOf('not-a-jwt')).toBe(Code.Malformed);
  });

  it('tells an unknown key from unavailable keys', async () => {
    const token = await mint({});
    const throwing = (code: AuthErrorCode) => () => Promise.reject(new AuthError(code));
    expect(await refusalOf(token, validator(throwing(AuthErrorCode.UnknownKey)))).toBe(
      Code.UnknownKey,
    );
    expect(await refusalOf(token, validator(throwing(AuthErrorCode.KeysUnavailable)))).toBe(
      Code.KeysUnavailable,
    );
  });
});
