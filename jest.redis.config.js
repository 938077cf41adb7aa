import base from './jest.config.js';

/**
 * `npm run test:redis`: the suites with a REAL Redis (Debian's redis-server, installed by
 * `bash scripts/redis.sh install`; each spec starts its own on a spare loopback port and kills it
 * by its process). Three replicas of the built app share it. `.ci/run` runs it.
 * ESM/SWC settings come from jest.config.js.
 * @type {import('jest').Config}
 */
export default {
  ...base,
  roots: ['<rootDir>/test/redis'],
  testMatch: ['**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 60_000,
};
