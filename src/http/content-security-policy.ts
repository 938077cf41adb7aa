/**
 * Swagger UI at /docs/, as @nestjs/swagger serves it: its scripts are files (the options are in
 * swagger-ui-init.js, the popup's return page loads oauth2-redirect.js), so no inline script
 * runs. Its HTML has two inline `<style>` blocks and a `style` attribute, hence the one
 * relaxation, `style-src 'unsafe-inline'`; its CSS draws icons from `data:` URLs. The page calls
 * this API and, to finish a sign-in, POSTs to Keycloak's token endpoint: `keycloakOrigin` (read
 * on each request, since discovery may change it) is the one other origin it may connect to.
 * The sign-in page itself opens in a popup, which `connect-src` does not govern.
 */
export function docsDirectives(
  keycloakOrigin: () => string,
): Record<string, Array<string | (() => string)>> {
  return {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", keycloakOrigin],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
}

/** SHA-256 of GraphiQL's one inline script as @nestjs/apollo 14 writes it for `/graphql`. */
export const GRAPHIQL_INLINE_SCRIPT = "'sha256-0xLQ6PUZ3R8rSVlhREPOswHs3+vn4Ekj8r+1DYy67Sc='";

/**
 * The GraphiQL page at GET /graphql, served outside production only (@nestjs/apollo's):
 * React, GraphiQL and its CSS come from unpkg.com with Subresource Integrity, plus one inline
 * script (allowed by its hash, so no other inline script runs) and one inline `<style>`. It
 * talks to this API only: fetch and, for subscriptions, a WebSocket to the same origin.
 */
export function graphiqlDirectives(): Record<string, string[]> {
  return {
    defaultSrc: ["'none'"],
    scriptSrc: ['https://unpkg.com', GRAPHIQL_INLINE_SCRIPT],
    styleSrc: ['https://unpkg.com', "'unsafe-inline'"],
    fontSrc: ['https://unpkg.com', 'data:'],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  };
}
