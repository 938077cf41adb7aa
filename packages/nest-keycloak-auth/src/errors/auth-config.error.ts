/**
 * A configuration mistake, thrown when the module is built, before any I/O. The message is one
 * line naming the option (or, from `authOptionsFromEnv`, the variable) and never the value.
 */
export class AuthConfigError extends TypeError {
  override readonly name = 'AuthConfigError';

  constructor(
    /** The option at fault, e.g. `clockToleranceSeconds`. */
    readonly option: string,
    /** Its environment variable, e.g. `JWT_CLOCK_TOLERANCE_SECONDS`. */
    readonly variable: string,
    /** What it must be, e.g. `must be a whole number from 0 to 300`. */
    readonly rule: string,
    fromEnvironment = false,
  ) {
    super(fromEnvironment ? `${variable} ${rule}` : `AuthModule option "${option}" ${rule}`);
  }

  /** The same mistake, named by its environment variable. */
  asVariable(): AuthConfigError {
    return new AuthConfigError(this.option, this.variable, this.rule, true);
  }
}
