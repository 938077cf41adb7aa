import type { IncomingMessage, ServerResponse } from 'node:http';

/** Client credentials from HTTP Basic (preferred) or the form body, as Keycloak accepts them. */
export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
}

/** Sends a JSON body with the given status. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

/** Sends a raw body labelled as JSON (injected faults may deliberately send broken JSON). */
export function sendRaw(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
}

/** Reads an application/x-www-form-urlencoded body; other content types yield an empty form. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Extracts client credentials; Basic values are form-urlencoded per RFC 6749 section 2.3.1. */
export function clientCredentials(req: IncomingMessage, form: URLSearchParams): ClientCredentials {
  const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) {
    return {
      clientId: form.get('client_id') ?? undefined,
      clientSecret: form.get('client_secret') ?? undefined,
    };
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  try {
    const unescape = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));
    return {
      clientId: unescape(decoded.slice(0, colon)),
      clientSecret: unescape(decoded.slice(colon + 1)),
    };
  } catch {
    return {}; // malformed percent-encoding: treat as no credentials
  }
}

/** The bearer token from the Authorization header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** A non-negative integer query parameter, or the fallback when missing or malformed. */
export function intParam(url: URL, name: string, fallback: number): number {
  const value = Number.parseInt(url.searchParams.get(name) ?? '', 10);
  return Number.isNaN(value) || value < 0 ? fallback : value;
}
