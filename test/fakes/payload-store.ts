/** The `PayloadStore` port in memory (the claim-check bucket). */
import type { PayloadStore } from '../../shared/store/payload-store';

export class InMemoryPayloadStore implements PayloadStore {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();

  async put(key: string, body: Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
    this.objects.set(key, { body: Uint8Array.from(body), contentType });
  }

  async get(key: string): Promise<Uint8Array> {
    const object = this.objects.get(key);
    if (!object) throw new Error(`no payload object ${key}`);
    return Uint8Array.from(object.body);
  }
}
