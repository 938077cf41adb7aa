import { Controller, Inject, NotFoundException, Post, Req, Res, SetMetadata } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Public } from '../decorators/public.decorator.js';
import { BackchannelLogoutReceiver, type LogoutRequest } from './backchannel-logout.receiver.js';
import { LOGOUT_REFUSAL_TEXT } from './logout-refusal.js';

/** Where Keycloak posts logout tokens (the client's `backchannel.logout.url`). */
export const BACKCHANNEL_LOGOUT_PATH = 'auth/backchannel-logout';

/** The form body's media type (Back-Channel Logout 1.0 §2.5). */
const FORM = 'application/x-www-form-urlencoded';

type FormRequest = LogoutRequest & {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
};

/**
 * `POST /auth/backchannel-logout`: OpenID Connect Back-Channel Logout 1.0 receiver. 200 (empty)
 * when the logout is applied, 400 `invalid_request` with a fixed description otherwise, both
 * `Cache-Control: no-store`; the usual 404 while `backchannelLogoutAudiences` is unset. Written
 * through the app's HTTP adapter, so it answers alike on Express and Fastify.
 */
@Controller()
// What @ApiExcludeController() sets: Keycloak calls this route, not the API's clients, so it
// stays out of the app's OpenAPI document (@nestjs/swagger is an optional peer: no import).
@SetMetadata('swagger/apiExcludeController', [true])
export class BackchannelLogoutController {
  constructor(
    @Inject(BackchannelLogoutReceiver) private readonly receiver: BackchannelLogoutReceiver,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Public()
  @Post(BACKCHANNEL_LOGOUT_PATH)
  async receive(@Req() request: FormRequest, @Res() response: unknown): Promise<void> {
    const adapter = this.adapterHost.httpAdapter;
    if (!this.receiver.enabled) {
      // The same answer as a route that does not exist.
      throw new NotFoundException(`Cannot POST ${adapter.getRequestUrl(request) as string}`);
    }
    const refusal = await this.receiver.receive(logoutTokenOf(request), request);
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    if (refusal === undefined) return void adapter.reply(response, undefined, 200);
    const body = { error: 'invalid_request', error_description: LOGOUT_REFUSAL_TEXT[refusal] };
    adapter.reply(response, body, 400);
  }
}

/** The one `logout_token` of a form body; undefined for any other body or a repeated field. */
function logoutTokenOf(request: FormRequest): string | undefined {
  const type = request.headers['content-type'];
  const media = typeof type === 'string' ? type.split(';', 1)[0].trim().toLowerCase() : '';
  if (media !== FORM) return undefined;
  const token = (request.body as Record<string, unknown> | undefined)?.logout_token;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}
