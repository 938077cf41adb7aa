// `nest-keycloak-auth/websockets`: Keycloak authentication for `@nestjs/websockets` gateways on
// the `ws` adapter (needs @nestjs/websockets, @nestjs/platform-ws and ws).
export { KeycloakWsAdapter } from './keycloak-ws-adapter.js';
export { CLOSE_GRACE_MS, SOCKET_CLOSE } from './socket-close.js';
