/** An in-memory `HandshakeSecretStore` for unit tests (the DynamoDB one is tested against DynamoDB Local). */
import type { HandshakeSecretStore } from '../../../shared/signatures/types';

export class MemoryHandshakeSecrets implements HandshakeSecretStore {
  readonly kept = new Map<string, string>();

  async secretsFor(sourceName: string): Promise<string[]> {
    const secret = this.kept.get(sourceName);
    return secret === undefined ? [] : [secret];
  }

  async establish(sourceName: string, secret: string): Promise<'established' | 'unchanged' | 'conflict'> {
    const kept = this.kept.get(sourceName);
    if (kept === undefined) {
      this.kept.set(sourceName, secret);
      return 'established';
    }
    return kept === secret ? 'unchanged' : 'conflict';
  }
}
