import { Controller, Get, type INestApplication } from '@nestjs/common';
import {
  ApiResponse,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { AnyRole } from '../decorators/any-role.decorator.js';
import { OwnerOrRole } from '../decorators/owner-or-role.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { IntrospectionClient } from '../introspection/introspection.client.js';
import { RequireActiveToken } from '../decorators/require-active-token.decorator.js';
import { Roles } from '../decorators/roles.decorator.js';
import type { ResourceOwnerLookup } from '../ownership/resource-owner-lookup.js';
import { documentAuth } from './document-auth.js';
import { AUTH_ERROR_BODY } from './error-responses.js';

class NobodyOwns implements ResourceOwnerLookup {
  ownerOf(): string {
    return 'nobody';
  }
}

/** One route per rule documentAuth documents. */
@Controller()
class DocsController {
  @Public()
  @Get('open')
  open() {}

  @Get('me')
  me() {}

  @Roles('admin', 'audit')
  @ApiResponse({
    status: 403,
    description: 'Not yours',
    example: { statusCode: 403, message: 'Not yours' },
  })
  @ApiResponse({ status: 503, description: 'Database down' })
  @Get('admin')
  admin() {}

  @AnyRole('read', 'write')
  @RequireActiveToken()
  @Get('live')
  live() {}

  @OwnerOrRole(NobodyOwns, 'admin')
  @Get('owned')
  owned() {}
}

describe('documentAuth', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;
  const op = (path: string): OperationObject => doc.paths[`/${path}`].get!;
  const response = (path: string, status: number) => op(path).responses[status] as ResponseObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [DocsController],
      // @RequireActiveToken's interceptor needs one; documentAuth never calls it.
      providers: [{ provide: IntrospectionClient, useValue: {} }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    const config = new DocumentBuilder().build();
    doc = documentAuth(app, SwaggerModule.createDocument(app, config), ['bearer', 'oauth2']);
  });

  afterAll(() => app.close());

  it('gives a public route `security: []` and no auth answers', () => {
    expect(op('open').security).toEqual([]);
    expect(Object.keys(op('open').responses)).toEqual(['200']);
  });

  it('locks a protected route with each scheme and documents 400, 401, 429 and 503', () => {
    expect(op('me').security).toEqual([{ bearer: [] }, { oauth2: [] }]);
    expect(Object.keys(op('me').responses).sort()).toEqual(['200', '400', '401', '429', '503']);
  });

  it('gives every auth answer the ApiError body, defined once as a component', () => {
    expect(doc.components?.schemas?.ApiError).toEqual(AUTH_ERROR_BODY);
    for (const status of [400, 401, 503]) {
      expect(response('me', status).content).toEqual({
        'application/json': {
          schema: { $ref: '#/components/schemas/ApiError' },
          example: expect.objectContaining({ statusCode: status }) as unknown,
        },
      });
    }
  });

  it.each([
    ['me', 400, 'Bearer token sent more than once', 'Bad Request'],
    ['me', 401, 'Missing bearer token', 'Unauthorized'],
    ['me', 429, 'Too many failed authentications', 'Too Many Requests'],
    ['me', 503, 'Token verification unavailable', 'Service Unavailable'],
    ['live', 403, 'Insufficient permissions', 'Forbidden'],
    ['live', 502, 'Failed to reach Keycloak introspection endpoint', 'Bad Gateway'],
    ['owned', 403, 'Only the owner or a holder of admin may do this', 'Forbidden'],
  ])(
    '%s %i: its example is the body the API writes for that status and route',
    (path, status, message, error) => {
      expect(response(path, status).content?.['application/json'].example).toEqual({
        statusCode: status,
        message,
        error,
      });
    },
  );

  it("keeps an app's own example for a status beside the auth layer's", () => {
    const examples = response('admin', 403).content?.['application/json'].examples;
    expect(examples).toEqual({
      route: { summary: 'Not yours', value: { statusCode: 403, message: 'Not yours' } },
      auth: {
        summary: 'Missing required roles: admin, audit',
        value: {
          statusCode: 403,
          message: 'Missing required roles: admin, audit',
          error: 'Forbidden',
        },
      },
    });
  });

  it('declares WWW-Authenticate on 401/403 and Retry-After on 503, required', () => {
    for (const [status, header] of [
      [401, 'WWW-Authenticate'],
      [403, 'WWW-Authenticate'],
      [429, 'Retry-After'],
      [503, 'Retry-After'],
    ] as const) {
      expect(response('live', status).headers?.[header]).toMatchObject({ required: true });
    }
    expect(response('live', 503).headers?.['Retry-After']).toMatchObject({
      schema: { type: 'integer', minimum: 1 },
    });
  });

  it("declares WWW-Authenticate on the 400 as optional: the app's own 400s carry none", () => {
    expect(response('me', 400).headers?.['WWW-Authenticate']).toMatchObject({ required: false });
  });

  it('names the roles, and the owner rule, a 403 needs', () => {
    expect(response('live', 403).description).toBe('Requires one role of: read, write');
    expect(response('owned', 403).description).toBe(
      'Requires owning the resource, or one role of: admin',
    );
    expect(op('me').responses).not.toHaveProperty('403');
  });

  it('documents 502 on introspected routes only', () => {
    expect(op('live').responses).toHaveProperty('502');
    expect(op('me').responses).not.toHaveProperty('502');
  });

  it("keeps the app's own answer for a status, adding its reason and optional headers", () => {
    expect(response('admin', 403)).toMatchObject({
      description: 'Not yours. Or: Requires every role of: admin, audit',
      headers: { 'WWW-Authenticate': expect.objectContaining({ required: false }) as unknown },
    });
    expect(response('admin', 503).description).toBe(
      'Database down. Or: Token verification unavailable: signing keys cannot be fetched',
    );
    expect(response('admin', 503).headers?.['Retry-After']).toMatchObject({ required: false });
  });

  it("leaves an app's own error schema of that name alone", () => {
    const mine = { type: 'object' as const, description: 'mine' };
    const document = new DocumentBuilder().build();
    const built = SwaggerModule.createDocument(app, document);
    built.components = { schemas: { Problem: mine } };
    documentAuth(app, built, { errorSchema: 'Problem' });
    expect(built.components.schemas?.Problem).toBe(mine);
    expect((built.paths['/me'].get?.responses[401] as ResponseObject).content).toMatchObject({
      'application/json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    expect(built.paths['/me'].get?.security).toEqual([{ bearer: [] }]);
  });
});
