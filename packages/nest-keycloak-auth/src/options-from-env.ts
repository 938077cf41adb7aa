import { AUTH_ENVIRONMENT, type AuthModuleOptions, type OptionSpec } from './auth-options.js';
import { AuthSettings } from './auth-settings.js';
import { AuthConfigError } from './errors/auth-config.error.js';

type Env = Readonly<Record<string, string | undefined>>;
type OptionValue = string | string[] | number | boolean;

/**
 * AuthModule options read from environment variables (`AUTH_ENVIRONMENT` names them), checked
 * as the module will check them. An empty variable counts as unset. A mistake throws an
 * {@link AuthConfigError} whose one-line message names the variable, never its value.
 * @example
 * AuthModule.forRoot(authOptionsFromEnv(process.env))
 */
export function authOptionsFromEnv(env: Env): AuthModuleOptions {
  const options: Record<string, OptionValue> = {};
  for (const spec of AUTH_ENVIRONMENT) {
    const raw = env[spec.variable];
    if (raw === undefined || raw.trim() === '') continue;
    // A secret is taken as written; everything else may carry stray blanks from a .env file.
    options[spec.option] = spec.kind === 'secret' ? raw : parse(spec, raw.trim());
  }
  const result = options as unknown as AuthModuleOptions;
  try {
    new AuthSettings(result);
  } catch (error) {
    throw error instanceof AuthConfigError ? error.asVariable() : error;
  }
  return result;
}

function parse(spec: OptionSpec, raw: string): OptionValue {
  const refuse = (rule: string) => new AuthConfigError(spec.option, spec.variable, rule, true);
  switch (spec.kind) {
    case 'integer':
      if (!/^\d+$/.test(raw)) {
        throw refuse(`must be a whole number from ${spec.min} to ${spec.max}`);
      }
      return Number(raw);
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw refuse('must be true or false');
      return raw === 'true';
    case 'list': {
      const all = raw.split(',').map((item) => item.trim());
      // A realm list is an allow-list: a stray comma is a mistake, not something to skip.
      if (spec.option === 'realms' && all.includes('')) {
        throw refuse('must be a comma-separated list of realm names, none empty');
      }
      const items = all.filter(Boolean);
      if (items.length === 0) throw refuse('must be a comma-separated list');
      return items;
    }
    default:
      return raw;
  }
}
