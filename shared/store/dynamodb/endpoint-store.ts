/**
 * Endpoints in DynamoDB, the adapter behind `EndpointStore` (shared/outbound/endpoint-store.ts):
 * create, read, update, disable, rotate secrets, and the run of failures that disables an
 * endpoint which keeps failing.
 *
 * Item: pk `ENDPOINT#<id>`, sk `ENDPOINT`; index gsi1 `ENDPOINTS` / `<createdAt>#<id>`.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../../errors';
import type { EndpointChanges, EndpointStore } from '../../outbound/endpoint-store';
import type { Endpoint, EndpointSecret } from '../../outbound/model';
import { fitsPartitionKey } from '../dynamodb-limits';
import { conditionalWrite } from './conditional-write';
import { queryIndex } from './index-query';
import { withoutKeys } from './items';
import { TableAdapter } from './table-adapter';

const ENDPOINTS_PARTITION = 'ENDPOINTS';

function endpointKey(id: string): { pk: string; sk: string } {
  return { pk: `ENDPOINT#${id}`, sk: 'ENDPOINT' };
}

const notFound = () => new NotFoundError('no endpoint with this id', 'endpoint_not_found');

export class DynamoDbEndpointStore extends TableAdapter implements EndpointStore {
  async create(endpoint: Endpoint): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...endpointKey(endpoint.id), gsi1pk: ENDPOINTS_PARTITION, gsi1sk: `${endpoint.createdAt}#${endpoint.id}`, kind: 'endpoint', ...endpoint },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<Endpoint | undefined> {
    if (!fitsPartitionKey(endpointKey(id).pk)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: endpointKey(id), ConsistentRead: true }));
    return Item ? toEndpoint(Item) : undefined;
  }

  async list(options: { limit?: number; cursor?: Record<string, unknown> } = {}): Promise<{ endpoints: Endpoint[]; next?: Record<string, unknown> }> {
    const page = await queryIndex(this.db, this.tableName, ENDPOINTS_PARTITION, options);
    return { endpoints: page.items.map(toEndpoint), ...(page.next ? { next: page.next } : {}) };
  }

  async listAll(): Promise<Endpoint[]> {
    const all: Endpoint[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.list(cursor ? { cursor } : {});
      all.push(...page.endpoints);
      cursor = page.next;
    } while (cursor);
    return all;
  }

  async update(id: string, changes: EndpointChanges, now: Date): Promise<Endpoint> {
    if (!fitsPartitionKey(endpointKey(id).pk)) throw notFound();
    const set: string[] = ['updatedAt = :now'];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now.toISOString() };
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      if (value === null) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    if (changes.enabled === true) {
      // Re-enabling starts a fresh run: the old failures no longer count.
      remove.push('disabledReason', 'disabledAt', 'failingSince');
    }
    const result = await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: endpointKey(id),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!result.written) throw notFound();
    return toEndpoint(result.output.Attributes ?? {});
  }

  async delete(id: string): Promise<boolean> {
    if (!fitsPartitionKey(endpointKey(id).pk)) return false;
    const result = await conditionalWrite(
      this.db,
      new DeleteCommand({ TableName: this.tableName, Key: endpointKey(id), ConditionExpression: 'attribute_exists(pk)' }),
    );
    return result.written;
  }

  async rotateSecret(id: string, secret: string, now: Date, previousExpiresAt: Date): Promise<Endpoint> {
    if (!fitsPartitionKey(endpointKey(id).pk)) throw notFound();
    const endpoint = await this.get(id);
    if (!endpoint) throw notFound();
    const current = endpoint.secrets[0];
    const secrets: EndpointSecret[] = [
      { secret, createdAt: now.toISOString() },
      ...(current ? [{ secret: current.secret, createdAt: current.createdAt, expiresAt: previousExpiresAt.toISOString() }] : []),
    ];
    const result = await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: endpointKey(id),
        UpdateExpression: 'SET secrets = :secrets, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':secrets': secrets, ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!result.written) throw notFound();
    return toEndpoint(result.output.Attributes ?? {});
  }

  async recordFailure(id: string, now: Date): Promise<string | undefined> {
    const result = await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: endpointKey(id),
        UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :now)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.written ? (result.output.Attributes?.failingSince as string | undefined) : undefined;
  }

  async recordSuccess(endpoint: Endpoint): Promise<void> {
    if (!endpoint.failingSince) return;
    await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: endpointKey(endpoint.id),
        UpdateExpression: 'REMOVE failingSince',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async markSlow(id: string, now: Date): Promise<void> {
    await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: endpointKey(id),
        UpdateExpression: 'SET slowSince = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(slowSince)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }

  async clearSlow(id: string): Promise<void> {
    await conditionalWrite(
      this.db,
      new UpdateCommand({ TableName: this.tableName, Key: endpointKey(id), UpdateExpression: 'REMOVE slowSince', ConditionExpression: 'attribute_exists(pk)' }),
    );
  }

  async disable(id: string, reason: string, now: Date): Promise<boolean> {
    const result = await conditionalWrite(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: endpointKey(id),
        UpdateExpression: 'SET enabled = :false, disabledReason = :reason, disabledAt = :now, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND enabled = :true',
        ExpressionAttributeValues: { ':false': false, ':true': true, ':reason': reason, ':now': now.toISOString() },
      }),
    );
    return result.written;
  }
}

function toEndpoint(item: Record<string, unknown>): Endpoint {
  const endpoint = withoutKeys<Endpoint>(item);
  return { ...endpoint, eventTypes: endpoint.eventTypes ?? [] };
}
