import fc from 'fast-check';

const char = (min: number, max: number) =>
  fc.integer({ min, max }).map((code) => String.fromCharCode(code));

/** Text Node's HTTP client sends in a header: tab, printable ASCII and obs-text (0x80-0xFF). */
export function headerText(maxLength: number): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { arbitrary: char(0x20, 0x7e), weight: 10 },
    { arbitrary: char(0x80, 0xff), weight: 2 },
    { arbitrary: fc.constant('\t'), weight: 1 },
  );
  return fc.string({ unit, maxLength });
}

/**
 * Text a client could put in JSON or a token: mostly printable, often with C0 controls (NUL
 * included), DEL, C1 controls, lone surrogates or any code point.
 */
export function nastyText(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { arbitrary: char(0x20, 0x7e), weight: 6 },
    { arbitrary: fc.constant('\0'), weight: 1 },
    { arbitrary: char(0x00, 0x1f), weight: 2 },
    { arbitrary: char(0x7f, 0x9f), weight: 1 },
    { arbitrary: char(0xd800, 0xdfff), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  );
  return fc.string({ unit, minLength, maxLength });
}

/** Lone surrogates replaced, so encodeURIComponent cannot throw. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDFFF]/gu, '\uFFFD');
}
