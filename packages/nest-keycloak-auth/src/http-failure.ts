/** A short, safe description of a failed HTTP call: a status or an error code, never a body. */
export function describeHttpFailure(error: unknown): string {
  const status = httpStatusOf(error);
  if (status !== undefined) return `HTTP ${status}`;
  const code = errorCodeOf(error);
  if (code !== undefined) return code;
  return error instanceof Error ? error.name : 'unknown error';
}

/** The status Keycloak answered with, when it answered at all. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Keycloak answered 401 to this API's own client authentication (token or introspection
 * endpoint): it was reached, and refused the client id or secret.
 */
export function isCredentialsRefusal(error: unknown): boolean {
  return httpStatusOf(error) === 401;
}

/** The log line for a 401 to this API's client authentication: what failed and what to check. */
export function credentialsRefusedLog(endpoint: string, url: string, clientId: string): string {
  return (
    `Keycloak refused the client credentials of ${clientId} at its ${endpoint} endpoint ` +
    `(${url} answered HTTP 401): check the client id and secret (KEYCLOAK_CLIENT_ID, KEYCLOAK_CLIENT_SECRET)`
  );
}

/**
 * Why a call to `url` failed, in words a person can act on: the host does not resolve,
 * nothing listens there, no answer in time, or the status Keycloak answered.
 */
export function failureCause(error: unknown, url: string): string {
  const status = httpStatusOf(error);
  if (status !== undefined) return `${url} answered HTTP ${status}`;
  const { host, origin } = safeUrl(url);
  switch (errorCodeOf(error)) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host ${host} does not resolve`;
    case 'ECONNREFUSED':
      return `nothing listens at ${origin}`;
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
      return `${origin} did not answer in time`;
    default:
      return `${url} failed (${describeHttpFailure(error)})`;
  }
}

function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function safeUrl(url: string): { host: string; origin: string } {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname, origin: parsed.origin };
  } catch {
    return { host: url, origin: url };
  }
}
