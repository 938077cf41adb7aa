import { UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayDisconnect,
  type WsResponse,
} from '@nestjs/websockets';
import { AnyRole, AuthErrorFilter } from 'nest-keycloak-auth';
import type { Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import { ItemEvents } from '../items/item-events.js';
import { TopicDto } from './dto/topic.dto.js';
import { LiveErrorFilter } from './live-error.filter.js';

/** Where the live updates are served (the handshake needs a token: see KeycloakWsAdapter). */
export const LIVE_PATH = '/ws';

/**
 * Live item updates over a WebSocket: `{"event":"subscribe","data":{"topic":"items"}}` (api-read
 * or api-admin) pushes `{"event":"item.created","data":{…item}}` for each item created in this
 * process, by REST or GraphQL, until `unsubscribe` or the socket closes. Refusals are `error`
 * events (AuthErrorFilter); other failures too, with fixed messages (LiveErrorFilter).
 */
@WebSocketGateway({ path: LIVE_PATH })
// Tried last first: AuthError by its filter, everything else by the catch-all.
@UseFilters(LiveErrorFilter, AuthErrorFilter)
export class LiveGateway implements OnGatewayDisconnect<WebSocket> {
  private readonly following = new Map<WebSocket, Subscription>();

  constructor(private readonly events: ItemEvents) {}

  @AnyRole('api-read', 'api-admin')
  @SubscribeMessage('subscribe')
  subscribe(
    @ConnectedSocket() socket: WebSocket,
    @MessageBody() { topic }: TopicDto,
  ): WsResponse<TopicDto> {
    if (!this.following.has(socket)) {
      const pushes = this.events.created$.subscribe((item) => {
        if (socket.readyState === socket.OPEN) {
          socket.send(JSON.stringify({ event: 'item.created', data: item }));
        }
      });
      this.following.set(socket, pushes);
    }
    return { event: 'subscribed', data: { topic } };
  }

  /** Any valid token may stop what it follows. */
  @SubscribeMessage('unsubscribe')
  unsubscribe(
    @ConnectedSocket() socket: WebSocket,
    @MessageBody() { topic }: TopicDto,
  ): WsResponse<TopicDto> {
    this.stop(socket);
    return { event: 'unsubscribed', data: { topic } };
  }

  handleDisconnect(socket: WebSocket): void {
    this.stop(socket);
  }

  /** How many sockets follow the items (for tests and metrics). */
  get followers(): number {
    return this.following.size;
  }

  private stop(socket: WebSocket): void {
    this.following.get(socket)?.unsubscribe();
    this.following.delete(socket);
  }
}
