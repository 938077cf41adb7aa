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
