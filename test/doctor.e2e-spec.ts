import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KeycloakStandIn, standInAuthOptions } from 'nest-keycloak-auth/testing';
import { runDoctor, type CheckResult } from '../src/doctor/doctor.js';
import { freePort } from './support/child-app.js';

const run = promisify(execFile);
const DOCTOR = resolve('dist/doctor/main.js');

/** name → outcome, in the order of the report. */
const outcomes = (results: CheckResult[]) =>
  Object.fromEntries(results.map((r) => [r.name, r.outcome]));
const ALL = ['url', 'realm', 'issuer', 'jwks', 'credentials', 'view-users', 'introspection'];

describe('npm run doctor (Keycloak stand-in)', () => {
  let keycloak: KeycloakStandIn;

  beforeAll(async () => {
    keycloak = await KeycloakStandIn.start();
  });

  afterAll(async () => {
    await keycloak.stop();
  });

  const doctor = (overrides: Parameters<typeof standInAuthOptions>[1] = {}) =>
    runDoctor({ options: standInAuthOptions(keycloak, overrides), timeoutMs: 2000 });

  it('passes every check against a realm set up as the API needs it', async () => {
    const results = await doctor();
    expect(outcomes(results)).toEqual(Object.fromEntries(ALL.map((n) => [n, 'pass'])));
  });

  it('names a wrong secret, with the fix, and skips what needs the credentials', async () => {
    const results = await doctor({ clientSecret: 'wrong-secret' });
    expect(outcomes(results)).toMatchObject({
      jwks: 'pass',
      credentials: 'fail',
      'view-users': 'skip',
      introspection: 'skip',
    });
    const credentials = results.find((r) => r.name === 'credentials')!;
    expect(credentials.detail).toContain('refused the client id or secret');
    expect(credentials.fix).toContain('KEYCLOAK_CLIENT_SECRET');
    expect(JSON.stringify(results)).not.toContain('wrong-secret');
  });

  it('names a wrong realm (HTTP 404) and skips the rest', async () => {
    const results = await doctor({ realm: 'nope' });
    expect(outcomes(results)).toMatchObject({ url: 'pass', realm: 'fail', jwks: 'skip' });
    expect(results[1].detail).toContain('realm nope not found');
    expect(results[1].fix).toContain('KEYCLOAK_REALM');
  });

  it('names a URL where nothing listens', async () => {
    const results = await doctor({ serverUrl: `http://127.0.0.1:${await freePort()}` });
    expect(results[0]).toMatchObject({ name: 'url', outcome: 'fail' });
    expect(results[0].detail).toMatch(/^nothing listens at http:\/\/127\.0\.0\.1:\d+$/);
    expect(results[0].fix).toContain('KEYCLOAK_URL');
    expect(results.slice(1).every((r) => r.outcome === 'skip')).toBe(true);
  });

  it('names a pinned issuer the realm does not report', async () => {
    const results = await doctor({ issuer: 'https://sso.example.com/realms/demo' });
    expect(outcomes(results)).toMatchObject({ issuer: 'fail', jwks: 'pass', credentials: 'pass' });
  });

  it('names a JWKS without a key for the allowed algorithms', async () => {
    const results = await doctor({ algorithms: ['ES256'] });
    expect(outcomes(results)).toMatchObject({ jwks: 'fail' });
    expect(results.find((r) => r.name === 'jwks')!.fix).toContain('JWT_ALGORITHMS');
  });

  it('names a service account that may not list users', async () => {
    keycloak.failNext('adminUsers', { status: 403 });
    const results = await doctor();
    expect(outcomes(results)).toMatchObject({ 'view-users': 'fail', introspection: 'pass' });
    expect(results.find((r) => r.name === 'view-users')!.fix).toContain('view-users');
  });

  describe('the command', () => {
    let cwd: string;

    beforeAll(async () => {
      // An empty folder: no .env, so only the variables given here count.
      cwd = await mkdtemp(join(tmpdir(), 'doctor-'));
    });

    afterAll(async () => {
      await rm(cwd, { recursive: true, force: true });
    });

    const env = (secret: string) => ({
      PATH: process.env.PATH,
      KEYCLOAK_URL: keycloak.url,
      KEYCLOAK_REALM: keycloak.realm,
      KEYCLOAK_CLIENT_ID: keycloak.clientId,
      KEYCLOAK_CLIENT_SECRET: secret,
    });

    it('prints one line per check and exits 0 when all pass', async () => {
      const { stdout } = await run(process.execPath, [DOCTOR], {
        cwd,
        env: env(keycloak.clientSecret),
      });
      expect(stdout).toContain('✓ credentials');
      expect(stdout.trim().split('\n').at(-1)).toBe('All checks passed');
    });

    it('--help prints the usage and exits 0 without checking anything', async () => {
      const { stdout } = await run(process.execPath, [DOCTOR, '--help'], { cwd, env: env('x') });
      expect(stdout).toMatch(/^usage: npm run doctor \[-- --user <name>/);
      expect(stdout).not.toContain('Checking Keycloak');
    });

    it('an unknown option exits 2 with the usage', async () => {
      const outcome = run(process.execPath, [DOCTOR, '--verbose'], { cwd, env: env('x') });
      await expect(outcome).rejects.toMatchObject({ code: 2 });
      const { stderr } = (await outcome.catch((e: unknown) => e)) as { stderr: string };
      expect(stderr).toContain("Unknown option '--verbose'");
      expect(stderr).toContain('usage: npm run doctor');
    });

    it('the url check passes on any HTTP answer, without a status that reads like a failure', async () => {
      const { stdout } = await run(process.execPath, [DOCTOR], {
        cwd,
        env: env(keycloak.clientSecret),
      });
      expect(stdout).toContain(`✓ url           Keycloak answers at ${keycloak.url}\n`);
    });

    it('exits 1 and prints the fix for a wrong secret, never the secret', async () => {
      const outcome = run(process.execPath, [DOCTOR], { cwd, env: env('wrong-secret') });
      await expect(outcome).rejects.toMatchObject({ code: 1 });
      const { stdout } = (await outcome.catch((e: unknown) => e)) as { stdout: string };
      expect(stdout).toContain('✗ credentials');
      expect(stdout).toContain('fix: set KEYCLOAK_CLIENT_SECRET');
      expect(stdout).not.toContain('wrong-secret');
    });
  });
});
