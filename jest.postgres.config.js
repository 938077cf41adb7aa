import process from 'node:process';
import base from './jest.config.js';

/**
 * `npm run test:postgres`: the items and database e2e specs against a REAL PostgreSQL, the one
 * DATABASE_URL (or TEST_DATABASE_URL) names: `bash scripts/postgres.sh start` prints one, and
 * `.ci/run` does both. The specs read TEST_DATABASE_URL (test/support/test-app.ts ignores
 * DATABASE_URL, so that a developer's .env cannot leak into `npm test`), so it is set here. Without
 * a postgres:// URL the specs would quietly use PGlite: this config refuses to run instead.
 * ESM/SWC settings come from jest.config.js. The specs share one database: one file at a time.
 * @type {import('jest').Config}
 */
const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || '';
if (!/^postgres(ql)?:\/\//.test(url)) {
  process.stderr.write(
    'npm run test:postgres needs DATABASE_URL=postgres://… (start one: bash scripts/postgres.sh start)\n',
  );
  process.exit(2);
}
// Read by the specs, in this process (--runInBand) and in any worker (they inherit the env).
process.env.TEST_DATABASE_URL = url;

export default {
  ...base,
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/items*.e2e-spec.ts', '<rootDir>/test/database*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 30_000,
};
