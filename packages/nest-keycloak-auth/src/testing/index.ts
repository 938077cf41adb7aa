// `nest-keycloak-auth/testing`: a Keycloak stand-in and principals for tests. It imports no test
// runner and touches no process.env, so jest, vitest and node:test can all use it.
export {
  DEMO_USERS,
  PARTNER_USERS,
  SERVICE_ACCOUNT_ID,
  type DemoUsername,
  type StandInUser,
} from './demo-users.js';
export type { Fault, StandInEndpoint } from './faults.js';
export {
  forgeAlgNone,
  forgeHs256WithPublicKey,
  forgeWithForeignKey,
  tamperPayload,
  type PublicKeySource,
} from './forged-tokens.js';
export { KeycloakStandIn, type RequestCounts, type StandInOptions } from './keycloak-stand-in.js';
export type { LogoutTokenOptions } from './logout-tokens.js';
export {
  createSigningKey,
  takeSigningKey,
  type PublicJwk,
  type SigningAlg,
  type SigningKey,
} from './signing-keys.js';
export { signJwt, type MintOptions, type TokenKind } from './token-factory.js';
export {
  dpopKey,
  dpopProof,
  privateJwkOf,
  type DpopKey,
  type DpopProofOptions,
} from './dpop-proofs.js';
export { createHttpContext, type HttpContextParts } from './execution-context.js';
export { createWsContext, type WsContextParts } from './ws-context.js';
export {
  principalsByToken,
  standInAuthOptions,
  testPrincipal,
  type TestPrincipalOptions,
} from './test-principal.js';
export { discoveryDocument } from './discovery-document.js';
export {
  demoPolicies,
  type AuthorizationPolicies,
  type StandInDecision,
} from './authorization-policies.js';
export {
  wsClient,
  WsRefusal,
  type WsClientOptions,
  type WsClose,
  type WsEvent,
  type WsTestClient,
} from './ws-client.js';
export {
  graphqlWsClient,
  type GraphqlResult,
  type GraphqlWsOperation,
  type GraphqlWsTestClient,
  type SocketClose,
} from './graphql-ws-client.js';
