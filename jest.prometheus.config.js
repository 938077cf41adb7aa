import base from './jest.config.js';

/**
 * `npm run test:prometheus`: a REAL Prometheus (Debian's package, started by the spec through
 * `scripts/prometheus.sh`) scrapes the API's METRICS_PORT while the spec sends requests, and the
 * spec reads the series back through Prometheus' HTTP API. `.ci/run` runs it.
 * ESM/SWC settings come from jest.config.js.
 * @type {import('jest').Config}
 */
export default {
  ...base,
  roots: ['<rootDir>/test/prometheus'],
  testMatch: ['**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 60_000,
};
