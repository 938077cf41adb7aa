/**
 * The library's unit specs (beside the code) and e2e specs (test/, against a fixture module on
 * Express and Fastify). Native ES modules: SWC strips types and emits decorator metadata;
 * `.js` specifiers (NodeNext) map back to `.ts`.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};
