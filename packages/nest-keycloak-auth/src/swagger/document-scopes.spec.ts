import { Controller, Get, type INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type OAuthFlowObject,
  type OpenAPIObject,
  type OperationObject,
  type ResponseObject,
  type SecuritySchemeObject,
} from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { AnyScope } from '../decorators/any-scope.decorator.js';
import { RequireOrganization } from '../decorators/require-organization.decorator.js';
import { Roles } from '../decorators/roles.decorator.js';
import { Scopes } from '../decorators/scopes.decorator.js';
import { deriveEndpoints } from '../oidc/oidc-endpoints.js';
import { documentAuth } from './document-auth.js';
import { oauth2Scheme, withOAuth2Endpoints } from './swagger-login.js';

@Scopes('items')
@Controller()
class ScopedController {
  @Get('inherited')
  inherited() {}

  @Roles('admin')
  @Scopes('admin', 'audit')
  @Get('admin')
  admin() {}

  @AnyScope('read', 'write')
  @Get('either')
  either() {}

  @RequireOrganization({ param: 'org' })
  @Get(':org/items')
  orgItems() {}
}

const endpoints = deriveEndpoints('http://kc.test/realms/demo');

describe('documentAuth: OAuth scopes and organizations', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;
  const op = (path: string): OperationObject => doc.paths[`/${path}`].get!;
  const flow = (document: OpenAPIObject): OAuthFlowObject => {
    const scheme = document.components!.securitySchemes!.oauth2 as SecuritySchemeObject;
    return scheme.flows!.authorizationCode!;
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ScopedController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    const config = new DocumentBuilder()
      .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'bearer')
      .addOAuth2(oauth2Scheme(endpoints), 'oauth2')
      .build();
    doc = documentAuth(app, SwaggerModule.createDocument(app, config), ['bearer', 'oauth2']);
  });

  afterAll(() => app.close());

  it("lists a route's scopes under the OAuth2 scheme; a pasted bearer token keeps []", () => {
    expect(op('inherited').security).toEqual([{ bearer: [] }, { oauth2: ['items'] }]);
    expect(op('admin').security).toEqual([{ bearer: [] }, { oauth2: ['admin', 'audit'] }]);
  });

  it('gives @AnyScope one requirement per scope: any of them will do', () => {
    expect(op('either').security).toEqual([
      { bearer: [] },
      { oauth2: ['read'] },
      { oauth2: ['write'] },
    ]);
  });

  it('names the scopes, next to the roles, in the 403', () => {
    expect((op('admin').responses[403] as ResponseObject).description).toBe(
      'Requires every scope of: admin, audit. Requires every role of: admin',
    );
    expect((op('either').responses[403] as ResponseObject).description).toBe(
      'Requires one scope of: read, write',
    );
  });

  it('names the organization rule in the 403', () => {
    expect((doc.paths['/{org}/items'].get!.responses[403] as ResponseObject).description).toBe(
      'Requires every scope of: items. Requires membership of the organization named by path parameter org',
    );
  });

  it('offers organization:* at sign-in for a route naming an organization, without requiring it', () => {
    expect(flow(doc).scopes['organization:*']).toMatch(/^Keycloak Organizations/);
    expect(doc.paths['/{org}/items'].get!.security).toEqual([
      { bearer: [] },
      { oauth2: ['items'] },
    ]);
  });

  it('declares every required scope in the sign-in flow, and keeps them when the endpoints change', () => {
    expect(Object.keys(flow(doc).scopes).sort()).toEqual(
      ['admin', 'audit', 'items', 'openid', 'organization:*', 'read', 'write'].sort(),
    );
    const moved = withOAuth2Endpoints(doc, deriveEndpoints('https://sso.example.com/realms/demo'));
    expect(flow(moved).tokenUrl).toBe(
      'https://sso.example.com/realms/demo/protocol/openid-connect/token',
    );
    expect(flow(moved).scopes).toEqual(flow(doc).scopes);
  });
});
