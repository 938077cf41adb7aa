import { contextOf, isRequestId, requestIdFrom, traceIdFrom } from './request-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('isRequestId', () => {
  it.each([
    ['one character', 'a'],
    ['128 characters', 'x'.repeat(128)],
    ['the lowest and highest visible ASCII characters', '!~'],
    ['a UUID', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['punctuation', 'req:42/a=b;c'],
  ])('accepts %s', (_label, value) => {
    expect(isRequestId(value)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['NUL', 'a\u0000b'],
    ['DEL (0x7f)', 'a\u007fb'],
    ['a non-ASCII character', 'caf\u00e9'],
    ['two ids joined by a duplicate header', 'a, b'],
    ['an array (repeated header)', ['a', 'b']],
    ['undefined (no header)', undefined],
  ])('refuses %s', (_label, value) => {
    expect(isRequestId(value)).toBe(false);
  });
});

describe('requestIdFrom', () => {
  it('keeps a well-formed id', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
  });

  it('generates a new UUID for a missing or malformed one, each time a different one', () => {
    const ids = [requestIdFrom(undefined), requestIdFrom('a b'), requestIdFrom('x'.repeat(129))];
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
  });
});

describe('traceIdFrom', () => {
  it.each([
    ['version 00', `00-${TRACE_ID}-${PARENT_ID}-01`],
    ['flags 00 (not sampled)', `00-${TRACE_ID}-${PARENT_ID}-00`],
    ['a later version', `01-${TRACE_ID}-${PARENT_ID}-01`],
    ['a later version with more fields', `cc-${TRACE_ID}-${PARENT_ID}-01-what-comes-next`],
  ])('reads the trace id of %s', (_label, header) => {
    expect(traceIdFrom(header)).toBe(TRACE_ID);
  });

  it.each([
    ['no header', undefined],
    ['an array', [`00-${TRACE_ID}-${PARENT_ID}-01`]],
    ['an empty string', ''],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['a non-hex version', `0g-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with trailing data', `00-${TRACE_ID}-${PARENT_ID}-01-extra`],
    ['a later version with trailing data not after a dash', `01-${TRACE_ID}-${PARENT_ID}-01x`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a short parent id', `00-${TRACE_ID}-${PARENT_ID.slice(1)}-01`],
    ['non-hex flags', `00-${TRACE_ID}-${PARENT_ID}-0z`],
    ['underscores for dashes', `00_${TRACE_ID}_${PARENT_ID}_01`],
    ['a non-hex trace id', `00-${TRACE_ID.slice(0, 31)}g-${PARENT_ID}-01`],
  ])('ignores %s', (_label, header) => {
    expect(traceIdFrom(header)).toBeUndefined();
  });
});

describe('contextOf', () => {
  it('reads both headers as Node gives them (lower-case names)', () => {
    expect(
      contextOf({ 'x-request-id': 'req-1', traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` }),
    ).toEqual({ requestId: 'req-1', traceId: TRACE_ID });
  });

  it('generates the id and leaves the trace id out when neither header is usable', () => {
    const context = contextOf({ 'x-request-id': 'a b', traceparent: 'nonsense' });
    expect(context.requestId).toMatch(UUID);
    expect(context.traceId).toBeUndefined();
  });
});
