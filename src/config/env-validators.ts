import { ValidateBy, type ValidationOptions } from 'class-validator';
import { splitList } from './config-validation.js';

/** The value is a base-10 whole number (as a string, like every env var) within [min, max]. */
export function IsIntegerString(min: number, max: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isIntegerString',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          /^\d+$/.test(value.trim()) &&
          Number(value) >= min &&
          Number(value) <= max,
      },
    },
    options,
  );
}

/**
 * The value is a non-empty comma-separated list whose every item is in `allowed`
 * (an array of exact names) or matches it (a pattern).
 */
export function IsListOf(allowed: readonly string[] | RegExp, options?: ValidationOptions) {
  const accepts = (item: string) =>
    allowed instanceof RegExp ? allowed.test(item) : allowed.includes(item);
  return ValidateBy(
    {
      name: 'isListOf',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          splitList(value).length > 0 &&
          splitList(value).every(accepts),
      },
    },
    options,
  );
}
