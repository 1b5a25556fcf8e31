/**
 * The single DynamoDB table: its keys, index and TTL attribute, declared once. The CDK
 * construct (infra/constructs/storage.ts) and the local runtime (local/resources.ts) both build
 * the table from this declaration.
 *
 * Item families (key builders live next to the code that owns each family):
 * - inbound events:   pk `EVENT#<source>#<eventId>`, sk `EVENT` (the record);  gsi1: `SOURCE#<source>` / `<receivedAt>#<eventId>`;
 *                     sk `BODY` (its inline body, apart, so the record's updates stay one write unit)
 * - entity versions:  pk `ENTITY#<kind>#<id>`, sk `STATE` (ordering helper for handlers)
 * - replay digests:   pk `REPLAY#<source>#<sha256>`, sk `DIGEST` (a source's replay window; shared/store/dynamodb/replay-digest-store.ts)
 * - handshake secrets: pk `HANDSHAKE#<source>`, sk `SECRET` (a secret a provider handed over, Asana's; shared/store/dynamodb/handshake-secret-store.ts)
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  /**
   * Keys only: an index entry is written when an item is created, and never again when its
   * status changes (which would cost a write unit on the index each time). Listings read the
   * items of a page with one BatchGetItem.
   */
  indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'KEYS_ONLY' }],
} as const;

export type TableIndexName = (typeof TABLE.indexes)[number]['indexName'];
