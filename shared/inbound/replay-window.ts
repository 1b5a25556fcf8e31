/**
 * The optional body-digest replay window of a source (`replayWindowSeconds`, off by default): for
 * providers whose event id comes from a header they do not sign (GitHub, Shopify, GitLab, …), a
 * captured, genuinely signed request sent again with a fresh id header would be a new event. With
 * the window on, the first event seen with a body's SHA-256 holds that digest for the window, and
 * a request with the same body and another id within it is answered as a duplicate of the first.
 * The cost: two distinct events whose bodies are byte for byte the same within the window are
 * taken as one (the second is dropped), and each accepted event writes one more small item.
 */
import { createHash } from 'node:crypto';

/** Where digests are held for their window (DynamoDB: shared/store/dynamodb/replay-digest-store.ts). */
export interface ReplayDigestStore {
  /**
   * Holds `digest` for `eventId` until `untilMs` unless another event holds it still: the event id
   * that holds it (`eventId` itself when this call took it, or when the same event came again).
   */
  claim(source: string, digest: string, eventId: string, options: { readonly nowMs: number; readonly untilMs: number }): Promise<string>;
}

/** The hex SHA-256 of a body. */
export function bodyDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
