/**
 * `npm run test:browser`: Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * against the REAL Keycloak on :8080, the built API on :8000 and the example SPA on :5173,
 * which the specs start and stop themselves. The ports are fixed (Keycloak's redirect URIs),
 * so the files run one at a time. Same ESM/SWC settings as jest.config.js.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  maxWorkers: 1,
  testTimeout: 60_000,
  verbose: true, // CI logs list every browser test
};
