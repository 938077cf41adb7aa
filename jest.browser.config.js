import base from './jest.config.js';

/**
 * `npm run test:browser`: Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * against the REAL Keycloak on :8080, the built API on :8000 and the example SPA on :5173,
 * which the specs start and stop themselves. The ports are fixed (Keycloak's redirect URIs),
 * so the files run one at a time. ESM/SWC settings come from jest.config.js.
 * @type {import('jest').Config}
 */
export default {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 60_000,
  verbose: true, // CI logs list every browser test
};
