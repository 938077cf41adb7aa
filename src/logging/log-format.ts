import { redactText } from './redact.js';

/** `LOG_FORMAT`: one JSON object per line, or Nest's text for a person at a terminal. */
export const LOG_FORMATS = ['json', 'text'] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The log format: `LOG_FORMAT` when it is `json` or `text`; otherwise (unset or empty, meaning
 * automatic) `json` under `NODE_ENV=production` or when stdout is not a terminal, else `text`.
 * Read from the raw environment, so even the line saying the environment is invalid uses it.
 */
export function logFormatFor(
  env: NodeJS.ProcessEnv,
  stdoutIsTty: boolean = process.stdout.isTTY === true,
): LogFormat {
  const chosen = env.LOG_FORMAT;
  if (chosen === 'json' || chosen === 'text') return chosen;
  return env.NODE_ENV === 'production' || !stdoutIsTty ? 'json' : 'text';
}

/**
 * One line written before the app's logger exists (an invalid environment, a port in use): in
 * JSON the same fields as the logger's lines (time, level, context, pid, message), in text the
 * message alone. Goes to stderr.
 */
export function startupLine(
  format: LogFormat,
  level: 'error' | 'fatal',
  message: string,
  stack?: string,
): string {
  const text = redactText(message);
  if (format === 'text') return `${stack === undefined ? text : redactText(stack)}\n`;
  const line = { time: new Date().toISOString(), level, context: 'Bootstrap', pid: process.pid };
  const fields =
    stack === undefined ? { message: text } : { message: text, stack: redactText(stack) };
  return `${JSON.stringify({ ...line, ...fields })}\n`;
}
