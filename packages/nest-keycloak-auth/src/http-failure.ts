/** A short, safe description of a failed HTTP call: a status or an error code, never a body. */
export function describeHttpFailure(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; response?: { status?: unknown } };
    if (typeof e.response?.status === 'number') return `HTTP ${e.response.status}`;
    if (typeof e.code === 'string') return e.code;
  }
  return error instanceof Error ? error.name : 'unknown error';
}
