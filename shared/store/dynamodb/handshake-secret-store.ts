/**
 * Secrets a provider hands over in a handshake (Asana's `X-Hook-Secret`), kept in the gateway's
 * table: the DynamoDB adapter behind `HandshakeSecretStore` (shared/signatures/types.ts). Item
 * `HANDSHAKE#<source>` / `SECRET`, with no TTL (a lost secret would leave every later event of the
 * source unverifiable), encrypted at rest like the rest of the table. It is written once, with a
 * condition, so the first handshake of a source wins and nothing overwrites it; an operator
 * deletes the item to let a new webhook register (see the README).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { safeEqual, sha256 } from '../../signatures/compare';
import type { HandshakeSecretStore } from '../../signatures/types';
import { conditionalWrite } from './conditional-write';
import { TableAdapter } from './table-adapter';

export function handshakeSecretKey(source: string): { pk: string; sk: string } {
  return { pk: `HANDSHAKE#${source}`, sk: 'SECRET' };
}

export class DynamoDbHandshakeSecretStore extends TableAdapter implements HandshakeSecretStore {
  /** Found secrets, per source (a kept secret never changes, so it is safe to remember). */
  private readonly found = new Map<string, string>();

  async secretsFor(sourceName: string): Promise<string[]> {
    const known = this.found.get(sourceName);
    if (known !== undefined) return [known];
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: handshakeSecretKey(sourceName), ConsistentRead: true }));
    const secret = result.Item?.secret;
    if (typeof secret !== 'string') return [];
    this.found.set(sourceName, secret);
    return [secret];
  }

  async establish(sourceName: string, secret: string, at: Date): Promise<'established' | 'unchanged' | 'conflict'> {
    const result = await conditionalWrite(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...handshakeSecretKey(sourceName), secret, establishedAt: at.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (result.written) {
      this.found.set(sourceName, secret);
      return 'established';
    }
    this.found.delete(sourceName);
    const [kept] = await this.secretsFor(sourceName);
    return kept !== undefined && safeEqual(sha256(kept), sha256(secret)) ? 'unchanged' : 'conflict';
  }
}
