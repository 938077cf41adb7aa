import base from './jest.config.js';

/**
 * `npm run test:keycloak`: e2e specs against a REAL Keycloak (default http://localhost:8080,
 * override with KEYCLOAK_TEST_URL), started with `bash scripts/keycloak.sh start`.
 * ESM/SWC settings come from jest.config.js. The specs change the shared realm (signing keys,
 * temporary clients and realms), so they run one file at a time.
 * @type {import('jest').Config}
 */
export default {
  ...base,
  roots: ['<rootDir>/test/keycloak'],
  testMatch: ['**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 60_000,
};
