/**
 * Rules the generic HMAC engine's options must keep, in a module of their own with no schema
 * library: the config schema applies them at load, and the engine again when a provider is
 * built (in the ingress, which carries no zod).
 */

/** The parts of the hmac options that must agree with each other. */
interface HmacConsistency {
  readonly signedContent: string;
  readonly signatureFormat: string;
  readonly timestamp?: { readonly header: string } | { readonly key: string } | { readonly jsonPath: string } | undefined;
  readonly eventId: object;
}

/**
 * What makes hmac options inconsistent: `{timestamp}` signed without a timestamp, `{id}` signed
 * without an id header, a timestamp `key` outside a `keyValue` header, a timestamp read from the
 * body signed again. Checked when the config is loaded and again when a provider is built.
 */
export function hmacOptionProblems(options: HmacConsistency): Array<{ path: string[]; message: string }> {
  const problems: Array<{ path: string[]; message: string }> = [];
  const { timestamp } = options;
  if (options.signedContent.includes('{timestamp}') && !timestamp) {
    problems.push({ path: ['signedContent'], message: '{timestamp} is signed but no timestamp is configured' });
  }
  if (options.signedContent.includes('{id}') && !('header' in options.eventId)) {
    problems.push({ path: ['signedContent'], message: '{id} is signed, so eventId must come from a header' });
  }
  if (timestamp && 'key' in timestamp && options.signatureFormat !== 'keyValue') {
    problems.push({ path: ['timestamp', 'key'], message: 'a timestamp key needs signatureFormat "keyValue"' });
  }
  if (timestamp && 'jsonPath' in timestamp && options.signedContent.includes('{timestamp}')) {
    problems.push({ path: ['signedContent'], message: 'a timestamp read from the body is signed with it; {timestamp} cannot be signed separately' });
  }
  return problems;
}
