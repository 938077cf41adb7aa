/**
 * Jest runs the project as native ES modules (NestJS 12 and jose 6 are ESM only):
 * SWC strips types and emits decorator metadata; `.js` specifiers (NodeNext) map back to `.ts`.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  // Also the limit of each beforeAll: an app starts with its own database (PGlite in memory,
  // 1-4 s of WebAssembly), and the machines running the suites are shared.
  testTimeout: 30_000,
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  // Each has its own config and command: test:keycloak, test:browser, test:prometheus, test:redis.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/keycloak/',
    '<rootDir>/test/browser/',
    '<rootDir>/test/prometheus/',
    '<rootDir>/test/redis/',
  ],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    // @fastify/static (Swagger UI on Fastify) require()s this ESM-only package. Node >= 20.19
    // loads it natively; Jest's CommonJS loader needs it compiled to CommonJS.
    '/@fastify/static/node_modules/content-disposition/.+\\.js$': [
      '@swc/jest',
      { swcrc: false, jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023' } },
    ],
  },
  transformIgnorePatterns: [
    '^(?!.*/@fastify/static/node_modules/content-disposition/).*/node_modules/',
  ],
};
