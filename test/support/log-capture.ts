import { AppLogger } from '../../src/logging/app-logger.js';

/**
 * The app's own logger in JSON mode, every level, keeping its lines instead of writing them:
 * the lines production would print, for tests to search. `secrets` as main.ts passes them.
 */
export class LogCapture extends AppLogger {
  readonly lines: string[] = [];

  constructor(secrets: readonly string[] = []) {
    super({ format: 'json', level: 'verbose', secrets });
  }

  protected override write(line: string): void {
    this.lines.push(line);
  }

  /** Every line parsed; throws on the first that is not JSON. */
  records(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
