/** How an option is written in the environment. */
export type OptionKind = 'url' | 'text' | 'secret' | 'list' | 'integer' | 'boolean';

/**
 * One AuthModule option as `AUTH_OPTIONS` declares it: its environment variable, kind, default
 * and range, and the line the README's table shows. `T` is the option's type.
 */
export interface Option<T> {
  readonly variable: string;
  readonly kind: OptionKind;
  readonly description: string;
  /** Absent: the option is required, or its meaning when unset comes from another option. */
  readonly default?: T;
  readonly min?: number;
  readonly max?: number;
  /** The values a text option takes; the first is its default. */
  readonly choices?: readonly T[];
  /** The option must be given (`AuthModuleOptions` requires it). */
  readonly required?: true;
}

/** An option with a default, which AuthSettings applies when it is unset. */
export type Defaulted<T> = Option<T> & { readonly default: T };

/** A whole number with its range. */
export type WholeNumber = Defaulted<number> & { readonly min: number; readonly max: number };

/** A text option with a closed set of values. */
export type Choice<T extends string> = Defaulted<T> & { readonly choices: readonly T[] };

/** Marks an option the module cannot do without. */
export const required = <T>(option: Option<T>): Option<T> & { readonly required: true } => ({
  ...option,
  required: true,
});

/** An http(s) URL. */
export const url = (variable: string, description: string): Option<string> => ({
  variable,
  kind: 'url',
  description,
});

/** Free text, checked by AuthSettings. */
export const text = (variable: string, description: string): Option<string> => ({
  variable,
  kind: 'text',
  description,
});

/** A secret: read from the environment as written, never trimmed; empty by default. */
export const secret = (variable: string, description: string): Defaulted<string> => ({
  variable,
  kind: 'secret',
  description,
  default: '',
});

/** A comma-separated list in the environment; a string array in code. */
export function list(variable: string, description: string): Option<string[]>;
export function list(variable: string, description: string, dflt: string[]): Defaulted<string[]>;
export function list(variable: string, description: string, dflt?: string[]): Option<string[]> {
  return { variable, kind: 'list', description, ...(dflt && { default: dflt }) };
}

/** A whole number from `min` to `max`. */
export const integer = (
  variable: string,
  dflt: number,
  min: number,
  max: number,
  description: string,
): WholeNumber => ({ variable, kind: 'integer', description, default: dflt, min, max });

/** `true` or `false`. */
export const boolean = (
  variable: string,
  dflt: boolean,
  description: string,
): Defaulted<boolean> => ({ variable, kind: 'boolean', description, default: dflt });

/** One of `choices`, the first by default. */
export const choice = <const T extends string>(
  variable: string,
  choices: readonly T[],
  description: string,
): Choice<T> => ({ variable, kind: 'text', description, default: choices[0], choices });
