/** The database cannot answer now (down, unreachable, too slow, not migrated): 503. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** A write broke a constraint of the schema (a check, a unique key, a reference): 409. */
export class DatabaseConstraintError extends Error {
  override readonly name = 'DatabaseConstraintError';
  constructor(readonly constraint: string | undefined) {
    super(`Violates database constraint ${constraint ?? '(unnamed)'}`);
  }
}

/**
 * A value the database cannot hold or read (a NUL byte, text too long, a malformed number):
 * the request's input caused it, so 400. Carries the SQLSTATE only, never the values.
 */
export class DatabaseInputError extends Error {
  override readonly name = 'DatabaseInputError';
  constructor(readonly sqlState: string) {
    super(`Database refused a value (SQLSTATE ${sqlState})`);
  }
}

/**
 * Data exceptions (class 22) a client's value causes: string too long (22001), numeric value
 * out of range (22003), invalid datetime (22007, 22008), character not in repertoire (22021:
 * NUL), invalid text representation (22P02), untranslatable character (22P05).
 */
const INPUT_CODES = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05']);

/** SQLSTATE classes that mean "not now" rather than "wrong": connection, resources, operator. */
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58'];
/** Errors of Node's sockets and of the pg pool that mean the server cannot be reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);
const POOL_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Cannot use a pool after calling end on the pool',
  'PGlite is closed',
];

/**
 * Sorts a driver's failure into what the API answers: a DatabaseUnavailableError (503), a
 * DatabaseConstraintError (409) or a DatabaseInputError (400), whatever the driver (pg, PGlite) and however Drizzle wrapped it.
 * Anything else is returned as it is: a bug in a query is a 500, and says so in the log.
 */
export function classifyDatabaseError(error: unknown): unknown {
  // Duck-typed, not `instanceof Error`: errors made in another realm (Node's sockets under a
  // test runner's VM) fail that test.
  for (let cause = error, depth = 0; isObject(cause) && depth < 5; depth++) {
    const { code, constraint, message } = cause as ErrorLike;
    if (typeof code === 'string') {
      if (code.startsWith('23')) {
        return new DatabaseConstraintError(typeof constraint === 'string' ? constraint : undefined);
      }
      if (INPUT_CODES.has(code)) return new DatabaseInputError(code);
      if (UNAVAILABLE_CLASSES.includes(code.slice(0, 2)) || NETWORK_CODES.has(code)) {
        return new DatabaseUnavailableError(code, { cause });
      }
    }
    if (typeof message === 'string' && POOL_MESSAGES.some((text) => message.includes(text))) {
      return new DatabaseUnavailableError('connection', { cause });
    }
    cause = (cause as ErrorLike).cause;
  }
  return error;
}

interface ErrorLike {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
  cause?: unknown;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
