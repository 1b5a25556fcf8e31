/**
 * Large bodies (claim check): stored as objects in the payload bucket, referenced from the
 * record. Keys are derived from what they belong to, so a retried write overwrites rather than
 * duplicates. The S3 adapter is shared/store/s3-payload-store.ts.
 */

export interface PayloadStore {
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  get(key: string): Promise<Uint8Array>;
}
