/** One HTTP exchange with Keycloak, as the doctor sees it: a status and a JSON body, or why not. */
export type ProbeAnswer =
  { ok: true; status: number; json: unknown } | { ok: false; cause: string };

/** What a probe sends besides the URL. */
export interface ProbeRequest {
  method?: 'GET' | 'POST';
  /** Form fields (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** `Authorization` header value. */
  authorization?: string;
}

/**
 * Calls Keycloak once with a timeout. A network failure becomes the words a person acts on
 * (the host does not resolve, nothing listens, no answer in time); any HTTP answer is `ok`
 * with its status, whatever that status is.
 */
export async function probe(
  url: string,
  request: ProbeRequest,
  timeoutMs: number,
): Promise<ProbeAnswer> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (request.authorization) headers.Authorization = request.authorization;
  let body: string | undefined;
  if (request.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  try {
    const response = await fetch(url, {
      method: request.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { ok: true, status: response.status, json: parseJson(text) };
  } catch (error) {
    return { ok: false, cause: networkCause(error, url) };
  }
}

/** `Basic` credentials of a confidential client (RFC 6749 section 2.3.1). */
export function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function networkCause(error: unknown, url: string): string {
  const { hostname, origin } = new URL(url);
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `${origin} did not answer in time`;
  const code = ((error as { cause?: { code?: unknown } } | null)?.cause?.code ?? '') as string;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host ${hostname} does not resolve`;
  if (code === 'ECONNREFUSED') return `nothing listens at ${origin}`;
  return `${url} could not be reached (${code || (typeof name === 'string' ? name : 'error')})`;
}
