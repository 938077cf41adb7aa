/** Where GraphQL answers (src/graphql/graphql.options.ts), and GraphiQL outside production. */
const GRAPHQL_PATH = '/graphql';

/**
 * Whether a request is for the GraphiQL page: a GET of /graphql that prefers HTML, as Apollo
 * decides when it serves its landing page instead of running a query.
 */
export function isGraphiqlPage(
  method: string,
  url: string,
  accept: string | string[] | undefined,
): boolean {
  if (method !== 'GET' || typeof accept !== 'string' || !accept.includes('text/html')) return false;
  const path = url.split('?', 1)[0].toLowerCase();
  return path === GRAPHQL_PATH || path === `${GRAPHQL_PATH}/`;
}
