/** Where SwaggerModule serves the UI (`setUpDocs` in src/app.setup.ts). */
export const DOCS_PATH = '/docs';

/**
 * Where a GET or HEAD of exactly `/docs` (any query kept) is sent: `docs/`, relative, so any
 * proxy path prefix stays. Swagger UI resolves its OAuth2 redirect page against the page's
 * folder: from `/docs` Keycloak would be asked to return to `/oauth2-redirect.html`, which is
 * neither served nor registered. Undefined for every other request. Not a route: Express'
 * non-strict routing and Fastify's ignoreTrailingSlash would match `/docs/` as well.
 */
export function docsFolderLocation(method: string, url: string): string | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const query = url.indexOf('?');
  const pathname = query < 0 ? url : url.slice(0, query);
  if (pathname !== DOCS_PATH) return undefined;
  return `docs/${query < 0 ? '' : url.slice(query)}`;
}

/**
 * Whether `url` is Swagger UI's page or one of its files (under `/docs/`), which get helmet's
 * headers; not `/docs-json`. Case-insensitive, as the app's routing is.
 */
export function isDocsPath(url: string): boolean {
  const lower = url.toLowerCase();
  return (
    lower === DOCS_PATH || lower.startsWith(`${DOCS_PATH}/`) || lower.startsWith(`${DOCS_PATH}?`)
  );
}
