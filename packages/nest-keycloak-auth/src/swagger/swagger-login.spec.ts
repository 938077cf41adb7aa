import type { OpenAPIObject } from '@nestjs/swagger';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { oauth2Scheme, swaggerLoginOptions, withOAuth2Endpoints } from './swagger-login.js';

const REALM = 'http://localhost:8080/realms/demo';
const OIDC = `${REALM}/protocol/openid-connect`;

function documentWith(schemes: Record<string, unknown>): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {},
    components: { securitySchemes: schemes as never },
  };
}

describe('oauth2Scheme', () => {
  it('is an authorization-code flow on the realm endpoints, offering scope openid', () => {
    expect(oauth2Scheme(deriveEndpoints(REALM))).toMatchObject({
      type: 'oauth2',
      flows: {
        authorizationCode: {
          authorizationUrl: `${OIDC}/auth`,
          tokenUrl: `${OIDC}/token`,
          refreshUrl: `${OIDC}/token`,
          scopes: { openid: expect.any(String) as string },
        },
      },
    });
  });
});

describe('withOAuth2Endpoints', () => {
  const moved = { ...deriveEndpoints('https://sso.example.com/realms/demo') };

  it('returns a copy on the given endpoints and leaves the original alone', () => {
    const original = documentWith({
      bearer: { type: 'http' },
      oauth2: oauth2Scheme(deriveEndpoints(REALM)),
    });
    const patched = withOAuth2Endpoints(original, moved);
    const flow = (doc: OpenAPIObject) =>
      (doc.components?.securitySchemes?.oauth2 as ReturnType<typeof oauth2Scheme>).flows
        ?.authorizationCode;
    expect(flow(patched)?.authorizationUrl).toBe(moved.authorizationEndpoint);
    expect(flow(original)?.authorizationUrl).toBe(`${OIDC}/auth`);
    expect(patched.components?.securitySchemes?.bearer).toEqual({ type: 'http' });
  });

  it('leaves a document without the scheme as it is', () => {
    const document = documentWith({ bearer: { type: 'http' } });
    expect(withOAuth2Endpoints(document, moved)).toBe(document);
  });
});

describe('swaggerLoginOptions', () => {
  it('signs in as the public client with PKCE and scope openid, and holds no secret', () => {
    const options = swaggerLoginOptions('nest-api-web');
    expect(options).toEqual({
      initOAuth: {
        clientId: 'nest-api-web',
        scopes: ['openid'],
        usePkceWithAuthorizationCodeGrant: true,
      },
    });
    expect(JSON.stringify(options)).not.toMatch(/secret/i);
  });
});
