#!/usr/bin/env node
// `npm run example:spa`: serves the example single-page app, with no framework and no server
// dependency: index.html, app.js, the settings below as /config.json, and the browser ES module
// builds of oidc-client-ts (with its one dependency, jwt-decode) and openapi-fetch from
// node_modules. api.d.ts holds types only: the browser never loads it.
//
// Environment (all optional):
//   SPA_PORT           port on localhost                      default 5173
//   SPA_HOST           interface to listen on                 default 127.0.0.1
//   API_URL            the API's base URL                     default http://localhost:8000
//   KEYCLOAK_URL       Keycloak's public base URL             default http://localhost:8080
//   KEYCLOAK_REALM     realm                                  default demo
//   SPA_CLIENT_ID      public client (PKCE, no secret)        default nest-api-web
//   SPA_DPOP_CLIENT_ID public client with DPoP-bound tokens    default nest-api-web-dpop
//
// The page's origin (http://localhost:<SPA_PORT>) must be a redirect URI and web origin of the
// client in Keycloak, and in the API's CORS_ORIGINS.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const env = (name, fallback) => process.env[name] || fallback;
const port = Number(env('SPA_PORT', '5173'));
const host = env('SPA_HOST', '127.0.0.1');
const config = {
  apiUrl: env('API_URL', 'http://localhost:8000').replace(/\/+$/, ''),
  keycloakUrl: env('KEYCLOAK_URL', 'http://localhost:8080').replace(/\/+$/, ''),
  realm: env('KEYCLOAK_REALM', 'demo'),
  clientId: env('SPA_CLIENT_ID', 'nest-api-web'),
  dpopClientId: env('SPA_DPOP_CLIENT_ID', 'nest-api-web-dpop'),
};

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
/** Node resolves the "import" (ESM) build of each package, wherever npm placed it. */
const esmBuild = (name) => fileURLToPath(import.meta.resolve(name));

const JS = 'text/javascript; charset=utf-8';
const files = new Map([
  ['/', { path: here('./index.html'), type: 'text/html; charset=utf-8' }],
  ['/index.html', { path: here('./index.html'), type: 'text/html; charset=utf-8' }],
  ['/app.js', { path: here('./app.js'), type: JS }],
  ['/vendor/oidc-client-ts.js', { path: esmBuild('oidc-client-ts'), type: JS }],
  ['/vendor/jwt-decode.js', { path: esmBuild('jwt-decode'), type: JS }],
  ['/vendor/openapi-fetch.js', { path: esmBuild('openapi-fetch'), type: JS }],
]);

const headers = (type) => ({
  'content-type': type,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer', // the sign-in callback URL carries the authorization code
});

const server = createServer((req, res) => {
  void (async () => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { ...headers('text/plain'), allow: 'GET, HEAD' })
        .end('Method Not Allowed');
      return;
    }
    if (pathname === '/config.json') {
      res.writeHead(200, headers('application/json')).end(JSON.stringify(config));
      return;
    }
    const file = files.get(pathname);
    if (!file) {
      res.writeHead(404, headers('text/plain; charset=utf-8')).end('Not Found');
      return;
    }
    try {
      const body = await readFile(file.path);
      res.writeHead(200, headers(file.type)).end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      console.error(`spa: cannot read ${file.path}: ${String(error)}`);
      res.writeHead(500, headers('text/plain')).end('Internal Server Error');
    }
  })();
});

server.on('error', (error) => {
  console.error(`spa: ${error.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(
    `SPA example on http://localhost:${port} (API ${config.apiUrl}, Keycloak ${config.keycloakUrl}/realms/${config.realm}, client ${config.clientId})`,
  );
});

// Ctrl-C or a test's kill(): close quickly, even with keep-alive connections open.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
