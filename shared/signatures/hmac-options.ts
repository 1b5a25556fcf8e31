/**
 * The built-in HMAC schemes' options with the engine's defaults applied, without the config
 * schema: the presets and provider modules are constants of this code, so the ingress needs no
 * schema library (zod) to fill in their defaults. The defaults are the schema's
 * (`hmacOptionsSchema` in shared/config/schema.ts); a unit test holds each built-in scheme's
 * result against the schema's parse of it, and `hmacOptionProblems` still checks each one when
 * its provider is built.
 */
import type { HmacOptions, HmacOptionsInput } from '../config/schema';

type Location = HmacOptionsInput['eventId'];

function location(value: Location): HmacOptions['eventId'] {
  if ('header' in value) return { header: value.header.toLowerCase() };
  if ('jsonPaths' in value) return { jsonPaths: value.jsonPaths, separator: value.separator ?? ':' };
  return { jsonPath: value.jsonPath };
}

function timestamp(value: NonNullable<HmacOptionsInput['timestamp']>): NonNullable<HmacOptions['timestamp']> {
  const format = value.format ?? 'auto';
  if ('header' in value) return { header: value.header.toLowerCase(), format };
  if ('key' in value) return { key: value.key, format };
  return { jsonPath: value.jsonPath, format };
}

/** `input` with every default the schema would apply. */
export function withHmacDefaults(input: HmacOptionsInput): HmacOptions {
  return {
    signatureHeader: input.signatureHeader.toLowerCase(),
    algorithm: input.algorithm ?? 'sha256',
    encoding: input.encoding ?? 'hex',
    signaturePrefix: input.signaturePrefix ?? '',
    signatureFormat: input.signatureFormat ?? 'plain',
    signatureKey: input.signatureKey ?? 'v1',
    entrySeparator: input.entrySeparator ?? ',',
    ...(input.timestamp ? { timestamp: timestamp(input.timestamp) } : {}),
    signedContent: input.signedContent ?? '{body}',
    eventId: location(input.eventId),
    ...(input.eventType ? { eventType: location(input.eventType) } : {}),
  };
}
