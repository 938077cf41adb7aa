/**
 * `npm run test:keycloak`: e2e specs against a REAL Keycloak (default http://localhost:8080,
 * override with KEYCLOAK_TEST_URL), started with `bash scripts/keycloak.sh start`.
 * Same ESM/SWC settings as jest.config.js. The specs change the shared realm (signing keys,
 * temporary clients and realms), so they run one file at a time.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/test/keycloak'],
  testMatch: ['**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  maxWorkers: 1,
  testTimeout: 60_000,
};
