import { BACKCHANNEL_LOGOUT_PATH } from 'nest-keycloak-auth';
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';

/**
 * Routes that read a form (`application/x-www-form-urlencoded`) instead of JSON: OpenID
 * Connect Back-Channel Logout posts one (the auth library's receiver).
 */
export const FORM_ROUTES: ReadonlySet<string> = new Set([`/${BACKCHANNEL_LOGOUT_PATH}`]);

/** The 415 a body of another type gets: said plainly, with the type the API reads. */
export const UNSUPPORTED_MEDIA_TYPE = {
  statusCode: 415,
  message: 'Content-Type must be application/json',
  error: STATUS_CODES[415],
} as const;

const JSON_TYPE = /^application\/([\w.+-]+\+)?json$/;
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Whether a request sends a body the API would not read as JSON: a POST, PUT or PATCH with a
 * body (Content-Length above 0, or chunked) whose media type is not JSON (`curl -d` sends a
 * form). Such a body would otherwise be read as no fields, or a form's keys, and answered with
 * puzzling validation errors. Bodyless requests pass: their validation errors say what is missing.
 */
export function refusesBody(method: string, url: string, headers: IncomingHttpHeaders): boolean {
  if (!WITH_BODY.has(method)) return false;
  const length = headers['content-length'];
  const hasBody =
    headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody) return false;
  const type = (headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
  if (JSON_TYPE.test(type)) return false;
  const path = url.split('?', 1)[0];
  return !(type === 'application/x-www-form-urlencoded' && FORM_ROUTES.has(path));
}
