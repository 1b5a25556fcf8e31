/**
 * The built-in HMAC schemes get their defaults without the config schema (so the ingress carries
 * no zod): each one, and inputs covering every shape an option may take, must come out exactly
 * as the schema's parse would make them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacOptionsSchema, type HmacOptionsInput } from '../../../shared/config/schema';
import { withHmacDefaults } from '../../../shared/signatures/hmac-options';
import { PRESETS } from '../../../shared/signatures/presets';

const shapes: HmacOptionsInput[] = [
  { signatureHeader: 'X-Hook-Signature', eventId: { jsonPath: 'events' } },
  { signatureHeader: 'x-sig', eventId: { header: 'X-Event-Id' }, eventType: { jsonPaths: ['a', 'b.c'] }, signedContent: '{id}.{body}' },
  {
    signatureHeader: 'x-sig',
    signatureFormat: 'keyValue',
    signatureKey: 'h1',
    entrySeparator: ';',
    timestamp: { key: 'ts' },
    signedContent: '{timestamp}:{body}',
    eventId: { jsonPaths: ['x', 'y'], separator: '|' },
  },
  {
    signatureHeader: 'x-sig',
    algorithm: 'sha512',
    encoding: 'base64',
    signaturePrefix: 'v0=',
    timestamp: { jsonPath: 'meta.ts', format: 'unixMs' },
    eventId: { jsonPath: 'id' },
  },
  { signatureHeader: 'x-sig', timestamp: { header: 'X-Timestamp', format: 'iso8601' }, signedContent: '{timestamp}{body}', eventId: { jsonPath: 'id' } },
];

describe('HMAC option defaults without the schema', () => {
  it.each(Object.entries(PRESETS))('preset %s comes out as the schema parses it', (_name, preset) => {
    expect(withHmacDefaults(preset)).toEqual(hmacOptionsSchema.parse(preset));
  });

  it.each(shapes.map((shape, index) => [index, shape] as const))('option shape %i comes out as the schema parses it', (_index, shape) => {
    expect(withHmacDefaults(shape)).toEqual(hmacOptionsSchema.parse(shape));
  });

  it('any valid combination of the optional settings comes out as the schema parses it', () => {
    const input = fc.record(
      {
        signatureHeader: fc.constantFrom('X-Sig', 'x-sig'),
        algorithm: fc.constantFrom('sha1', 'sha256', 'sha512'),
        encoding: fc.constantFrom('hex', 'base64'),
        signaturePrefix: fc.constantFrom('', 'sha256='),
        signatureKey: fc.constantFrom('v1', 'h1'),
        entrySeparator: fc.constantFrom(',', ';'),
        eventId: fc.constantFrom<HmacOptionsInput['eventId']>({ jsonPath: 'id' }, { header: 'X-Id' }, { jsonPaths: ['a', 'b'] }),
      },
      { requiredKeys: ['signatureHeader', 'eventId'] },
    );
    fc.assert(
      fc.property(input, (options) => {
        const parsed = hmacOptionsSchema.safeParse(options);
        if (parsed.success) expect(withHmacDefaults(options as HmacOptionsInput)).toEqual(parsed.data);
      }),
    );
  });
});
