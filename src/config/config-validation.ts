import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

/** Thrown when an environment variable has a bad value; its message is one line naming it. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

/**
 * Validates raw environment variables against a class-validator class.
 * Reports the first bad variable only, in one line, and never echoes the value
 * (it may be a secret).
 */
export function validateEnv<T extends object>(cls: ClassConstructor<T>, env: NodeJS.ProcessEnv): T {
  // An empty variable (`PORT=` in a .env file) means "not set": the default applies.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const instance = plainToInstance(cls, given, { exposeDefaultValues: true });
  const [error] = validateSync(instance, { stopAtFirstError: true });
  if (error) {
    const reason = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigValidationError(`Invalid configuration: ${reason}`);
  }
  return instance;
}

/** Splits a comma-separated list, trimming blanks; `undefined` and '' give []. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
