/**
 * `npm run doctor [-- --user alice [--password …]]`: checks the configured Keycloak end to end
 * with the app's own configuration (the environment, then `.env`), one line per check, and the
 * fix for each failure. Exit code 0 only when every check passed.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigValidationError } from '../config/config-validation.js';
import { readKeycloakConfig } from '../config/keycloak.config.js';
import { runDoctor, type CheckResult, type DoctorInput } from './doctor.js';

/** The demo realm's development passwords (keycloak/realm-demo.json), so `--user alice` suffices. */
const DEMO_PASSWORDS: Record<string, string> = {
  alice: 'alice-dev-pw',
  bob: 'bob-dev-pw',
  carol: 'carol-dev-pw',
  dave: 'dave-dev-pw',
};

const MARK = { pass: '✓', fail: '✗', skip: '-' } as const;

const USAGE = `usage: npm run doctor [-- --user <name> [--password <password>]]
  Checks the configured Keycloak (environment, then .env) end to end: URL, realm, issuer, keys,
  client credentials, view-users and introspection; with --user, also that user's sign-in.
  The demo users alice, bob, carol and dave need no --password. Exit 0 when every check passed.`;

function input(): DoctorInput {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  // The same .env the app reads; real environment variables win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const options = readKeycloakConfig(process.env);
  if (values.user === undefined) return { options };
  const password = values.password ?? DEMO_PASSWORDS[values.user];
  if (password === undefined)
    throw new ConfigValidationError(`--password is needed for ${values.user}`);
  const webClientId =
    process.env.KEYCLOAK_WEB_CLIENT_ID || process.env.SWAGGER_CLIENT_ID || 'nest-api-web';
  return { options, user: { username: values.user, password, webClientId } };
}

function line(result: CheckResult): string {
  const text = `${MARK[result.outcome]} ${result.name.padEnd(13)} ${result.outcome === 'skip' ? 'skipped: ' : ''}${result.detail}`;
  return result.fix ? `${text}\n  ${' '.repeat(13)} fix: ${result.fix}` : text;
}

async function main(): Promise<number> {
  let doctorInput: DoctorInput;
  try {
    doctorInput = input();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`doctor: ${message}\n${USAGE}\n`);
    return 2;
  }
  const { serverUrl, realm, clientId } = doctorInput.options;
  process.stdout.write(`Checking Keycloak at ${serverUrl}, realm ${realm}, client ${clientId}\n`);
  const results = await runDoctor(doctorInput);
  for (const result of results) process.stdout.write(`${line(result)}\n`);
  const failed = results.filter((r) => r.outcome !== 'pass').length;
  process.stdout.write(failed ? `${failed} check(s) did not pass\n` : 'All checks passed\n');
  return failed ? 1 : 0;
}

// Piped into `head`, stdout may close early: that is no failure of the checks.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

void main().then((code) => (process.exitCode = code));
